// The lease fence at the socket (issue 13, item 9): a write checks the leader lease when it is made and once more
// right before undici writes it to the connection. A lease that lapses in between (a process paused by SIGSTOP after
// the first check, a wait for a connection) stops the write there: the API server never receives it.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from '@jest/globals';
import { kubeConfig, kubectl, useNamespace } from '../../test/cluster/fixtures.ts';
import { createKubeClient, withFence } from '../src/k8s/client.ts';

class LeaseLapsed extends Error {}

/** A fence that passes its first `passes` checks and throws from then on, counting every check. */
function lapsingFence(passes: number): { fence: () => void; checks: () => number } {
  let checks = 0;
  return {
    fence: () => {
      checks += 1;
      if (checks > passes) throw new LeaseLapsed('leader lease lapsed');
    },
    checks: () => checks,
  };
}

const configMap = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { LOG_LEVEL: 'info' },
});

/** The error and its causes, as one string (fetch wraps the fence's error as its cause). */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) messages.push(`${e.constructor.name}: ${e.message}`);
  return messages.join(' <- ');
}

describe('a fenced write', () => {
  const namespace = useNamespace();
  const exists = async (name: string): Promise<boolean> =>
    kubectl(['-n', namespace.name, 'get', 'configmap', name, '-o', 'name']).then(
      () => true,
      () => false,
    );

  it('is sent while the lease holds at both checks', async () => {
    const { fence, checks } = lapsingFence(Number.POSITIVE_INFINITY);
    const client = withFence(createKubeClient(kubeConfig(), 'fence-test'), fence);
    await client.apply(configMap(namespace.name, 'held'));
    expect(await exists('held')).toBe(true);
    expect(checks()).toBe(2);
  });

  it('never reaches the API server when the lease lapses after the first check, before the request is written', async () => {
    const { fence, checks } = lapsingFence(1);
    const client = withFence(createKubeClient(kubeConfig(), 'fence-test'), fence);
    const error = await client.apply(configMap(namespace.name, 'lapsed')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(causes(error)).toContain('LeaseLapsed: leader lease lapsed');
    expect(checks()).toBe(2);
    expect(await exists('lapsed')).toBe(false);
  });

  it('is written, request line and body, in the same turn as its last check: no pause can fall in between', async () => {
    // A pause after the last check would send a write the lease may no longer cover. The check marks its turn; a
    // microtask, the first thing after that turn, clears the mark; undici reports each request sent (the write, and
    // the unfenced GET that discovers the kind's resource).
    let inCheckTurn = false;
    let checks = 0;
    const fence = () => {
      checks += 1;
      inCheckTurn = true;
      queueMicrotask(() => (inCheckTurn = false));
    };
    const bodySentInCheckTurn: boolean[] = [];
    const onBodySent = (message: unknown) => {
      if ((message as { request: { method: string } }).request.method !== 'GET') bodySentInCheckTurn.push(inCheckTurn);
    };
    subscribe('undici:request:bodySent', onBodySent);
    try {
      const client = withFence(createKubeClient(kubeConfig(), 'fence-test'), fence);
      await client.apply(configMap(namespace.name, 'one-turn'));
    } finally {
      unsubscribe('undici:request:bodySent', onBodySent);
    }
    expect(checks).toBe(2);
    expect(bodySentInCheckTurn).toEqual([true]);
    expect(await exists('one-turn')).toBe(true);
  });

  it('is refused before any request when the lease already lapsed', async () => {
    const { fence, checks } = lapsingFence(0);
    const client = withFence(createKubeClient(kubeConfig(), 'fence-test'), fence);
    await expect((async () => client.apply(configMap(namespace.name, 'never')))()).rejects.toBeInstanceOf(LeaseLapsed);
    expect(checks()).toBe(1);
    expect(await exists('never')).toBe(false);
  });
});
