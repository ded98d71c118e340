// Two leaders never write together (issue 13, item 9): a leader paused past its lease (SIGSTOP: a stalled node, a
// frozen VM) while a standby takes over and reconciles, then resumed (SIGCONT) with changes queued from before its
// pause, makes no write at all: every write is fenced by its own monotonic clock (the last renewal it sent must be
// younger than the renew deadline), and it exits once its renew loop notices the loss. Each process authenticates as
// its own ServiceAccount, so the API server's audit log says who wrote what.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditLogPath, kubectl, serviceAccountKubeconfig, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../../test/e2e/operator.ts';

const namespace = useNamespace();
const operators: OperatorProcess[] = [];

/** Short lease timings, so the test waits seconds, not the defaults' 15. */
const leaderFlags = (): string[] => [
  `--namespaces=${namespace.name}`,
  '--leader-elect=true',
  `--leader-election-namespace=${namespace.name}`,
  '--leader-election-id=paused',
  '--leader-elect-lease-duration=4s',
  '--leader-elect-renew-deadline=3s',
  '--leader-elect-retry-period=500ms',
];

async function candidate(name: string): Promise<OperatorProcess> {
  const kubeconfig = await serviceAccountKubeconfig(namespace.name, name);
  const operator = await startOperator({ args: leaderFlags(), kubeconfig, label: `operator ${name} log` });
  operators.push(operator);
  return operator;
}

const holder = async (): Promise<string> =>
  kubectl(['-n', namespace.name, 'get', 'lease', 'paused', '-o', 'jsonpath={.spec.holderIdentity}']).catch(() => '');

const logLevelOf = async (): Promise<string> =>
  kubectl(['-n', namespace.name, 'get', 'configmap', 'dev-config', '-o', 'jsonpath={.data.LOG_LEVEL}']).catch(() => '');

const setLogLevel = (level: string): Promise<string> =>
  kubectl(['-n', namespace.name, 'apply', '--server-side', '--field-manager=app-team', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name: 'dev' },
      spec: { config: { logLevel: level } },
    }),
  });

/**
 * Writes by a ServiceAccount that the API server received at or after `since` and accepted, from the audit log (a
 * lease renewal sent just before the pause is refused with 409 Conflict: the Lease's resourceVersion moved on).
 */
function writesBy(serviceAccount: string, since: Date): string[] {
  const username = `system:serviceaccount:${namespace.name}:${serviceAccount}`;
  const writes = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
  const seen = new Map<string, string>();
  for (const line of readFileSync(auditLogPath(), 'utf8').split('\n')) {
    if (!line.includes(username)) continue;
    const event = JSON.parse(line) as {
      auditID: string;
      verb: string;
      user: { username: string };
      requestReceivedTimestamp: string;
      objectRef?: { resource?: string; subresource?: string; name?: string };
      responseStatus?: { code?: number };
    };
    if (event.user.username !== username || !writes.has(event.verb)) continue;
    if ((event.responseStatus?.code ?? 0) >= 400) continue;
    if (new Date(event.requestReceivedTimestamp) < since) continue;
    const { resource = '', subresource, name = '' } = event.objectRef ?? {};
    seen.set(event.auditID, `${event.verb} ${resource}${subresource ? `/${subresource}` : ''} ${name}`);
  }
  return [...seen.values()];
}

/** Whether a ServiceAccount's last accepted write, lease renewals aside, reached the API server more than `ms` ago. */
function quietSince(serviceAccount: string, ms: number): boolean {
  return writesBy(serviceAccount, new Date(Date.now() - ms)).every((write) => write.startsWith('update leases '));
}

beforeAll(async () => {
  await installCrd();
  // Each candidate is its own ServiceAccount with every right in this namespace (the RBAC is not under test here).
  for (const name of ['leader-a', 'leader-b']) {
    await kubectl(['-n', namespace.name, 'create', 'serviceaccount', name]);
    await kubectl([
      '-n',
      namespace.name,
      'create',
      'rolebinding',
      name,
      '--clusterrole=cluster-admin',
      `--serviceaccount=${namespace.name}:${name}`,
    ]);
  }
}, 60_000);

afterAll(async () => {
  for (const operator of operators) {
    operator.child.kill('SIGCONT');
    await operator.kill();
  }
});

describe('a leader paused past its lease', () => {
  it('makes no write when it resumes, though changes were queued for it, and exits', async () => {
    const a = await candidate('leader-a');
    await waitFor(async () => (await holder()).length > 0 || undefined, 30_000, 'a to lead');
    await setLogLevel('info');
    await waitFor(async () => (await logLevelOf()) === 'info' || undefined, 60_000, 'a to reconcile the PetStore');
    // Paused once its writes have stopped, not in the middle of creating the children: a write already past its last
    // check when the process froze is sent on SIGCONT, and no client-side check can hold that back (write-fence's
    // tests pin that window to one synchronous turn). What this test proves is the other half: nothing a finds queued
    // when it resumes is written.
    await waitFor(() => Promise.resolve(quietSince('leader-a', 2000) || undefined), 60_000, 'a to finish writing');

    a.child.kill('SIGSTOP');
    const leaseOfA = await holder();
    // Changes a will find waiting on its watches when it resumes.
    await setLogLevel('debug');
    const b = await candidate('leader-b');
    await waitFor(
      async () => {
        const current = await holder();
        return current && current !== leaseOfA ? current : undefined;
      },
      60_000,
      'b to take the lease over',
    );
    await waitFor(async () => (await logLevelOf()) === 'debug' || undefined, 60_000, 'b to reconcile the change');
    await setLogLevel('warn');
    await waitFor(async () => (await logLevelOf()) === 'warn' || undefined, 60_000, 'b to reconcile the next one');

    const resumed = new Date(Date.now() - 1000); // the audit timestamps have second precision at worst
    const exited = new Promise<number | null>((resolve) => a.child.once('exit', (code) => resolve(code)));
    a.child.kill('SIGCONT');
    expect(await exited).not.toBe(0);
    expect(readFileSync(a.logPath, 'utf8')).toContain('leader lease lost');

    expect(writesBy('leader-a', resumed)).toEqual([]);
    // The world is as b left it, and b is still the one writing.
    expect(await logLevelOf()).toBe('warn');
    expect(writesBy('leader-b', new Date(0)).length).toBeGreaterThan(0);
    expect(b.child.exitCode).toBeNull();
  }, 240_000);
});
