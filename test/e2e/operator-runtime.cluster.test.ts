// The operator process under the conditions production throws at it: killed at random moments while 50 PetStores
// converge, a quiet minute at steady state, two replicas electing one leader.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, writeRequests, type OperatorProcess } from './operator.ts';

const namespace = useNamespace();
const count = 50;
const names = Array.from({ length: count }, (_, i) => `store-${String(i).padStart(2, '0')}`);
const running: OperatorProcess[] = [];

async function start(args: string[] = [], label?: string): Promise<OperatorProcess> {
  const operator = await startOperator({
    args: [`--namespaces=${namespace.name}`, ...args],
    ...(label ? { label } : {}),
  });
  running.push(operator);
  return operator;
}
async function getJson(...args: string[]): Promise<any> {
  return JSON.parse(await kubectl(['-n', namespace.name, 'get', '-o', 'json', ...args]));
}
function petStores(logLevel: string): string {
  return names
    .map(
      (name) =>
        `apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: ${name} }\nspec: { config: { logLevel: ${logLevel} } }\n`,
    )
    .join('---\n');
}
/** Names of PetStores that are Ready for their current generation. */
async function readyStores(): Promise<string[]> {
  const list = await getJson('petstores');
  return list.items
    .filter((p: any) => p.status?.observedGeneration === p.metadata.generation)
    .filter((p: any) => p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
    .map((p: any) => p.metadata.name);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(installCrd, 90_000);
afterAll(async () => {
  await Promise.all(running.map((operator) => operator.kill()));
});

describe('the operator process', () => {
  it('converges 50 PetStores with exactly one of each child, though SIGKILLed at random moments 10 times', async () => {
    await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], { input: petStores('info') });
    for (let round = 1; round <= 10; round++) {
      const operator = await start();
      await sleep(200 + Math.random() * 2500);
      await operator.kill();
      // Halfway, change every spec, so the later kills land in the middle of updates as well as creations.
      if (round === 5)
        await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], { input: petStores('warn') });
    }
    const survivor = await start([], 'operator log (after the kills)');
    await waitFor(async () => (await readyStores()).length === count, 240_000, `all ${count} PetStores Ready`, 2000);

    const kinds = 'serviceaccounts,configmaps,secrets,services,deployments,networkpolicies';
    const children = await getJson(kinds, '-l', 'app.kubernetes.io/managed-by=petstore-operator');
    const perStore = new Map<string, string[]>();
    for (const child of children.items) {
      const owner = child.metadata.ownerReferences?.find((ref: any) => ref.controller)?.name as string | undefined;
      expect(owner && names.includes(owner)).toBeTruthy(); // no orphan
      perStore.set(owner!, [...(perStore.get(owner!) ?? []), child.kind].sort());
    }
    for (const name of names) {
      expect([name, perStore.get(name)]).toEqual([
        name,
        // Two Secrets: the database credentials and the API keys.
        ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Secret', 'Secret', 'Service', 'ServiceAccount'],
      ]);
    }
    const configs = await getJson('configmaps', '-l', 'app.kubernetes.io/managed-by=petstore-operator');
    expect(configs.items.every((cm: any) => cm.data.LOG_LEVEL === 'warn')).toBe(true);
    expect((await getJson('resourcequotas')).items).toHaveLength(1);
    expect((await getJson('limitranges')).items).toHaveLength(1);
    expect(survivor.child.exitCode).toBeNull();
  }, 420_000);

  it('makes no write request in a minute of steady state with 50 Ready PetStores', async () => {
    const operator = running.at(-1)!;
    await sleep(5_000); // let the last status writes of the convergence settle
    const before = await writeRequests(operator);
    const reconcilesBefore = await operator.metric('controller_runtime_reconcile_total');
    await sleep(60_000);
    expect(await writeRequests(operator)).toBe(before);
    process.stdout.write(
      `[steady state] 60 s: ${(await writeRequests(operator)) - before} writes, ${(await operator.metric('controller_runtime_reconcile_total')) - reconcilesBefore} reconciles\n`,
    );
    await operator.stop();
  }, 120_000);

  it('lets only the leader write, and hands over within the lease bound when the leader is killed', async () => {
    const leaseArgs = [
      '--leader-elect=true',
      `--leader-election-namespace=${namespace.name}`,
      '--leader-election-id=petstore-operator-test',
    ];
    const first = await start(leaseArgs, 'first replica log');
    const second = await start(leaseArgs, 'second replica log');
    const leading = async (o: OperatorProcess) => (await o.metric('leader_election_master_status')) === 1;
    const leader = (await waitFor(
      async () => ((await leading(first)) ? first : (await leading(second)) ? second : undefined),
      60_000,
      'a leader',
    ))!;
    const follower = leader === first ? second : first;
    expect(await leading(follower)).toBe(false);

    await kubectl([
      '-n',
      namespace.name,
      'patch',
      `petstore/${names[0]}`,
      '--type=merge',
      '-p',
      '{"spec":{"config":{"logLevel":"error"}}}',
    ]);
    await waitFor(
      async () => (await getJson(`configmap/${names[0]}-config`)).data.LOG_LEVEL === 'error',
      30_000,
      'the leader to reconcile',
    );
    expect(await writeRequests(follower)).toBe(0);

    await leader.kill();
    const killedAt = Date.now();
    await waitFor(() => leading(follower), 30_000, 'the follower to take over', 250);
    const handover = (Date.now() - killedAt) / 1000;
    process.stdout.write(
      `[leader election] handover after SIGKILL: ${handover.toFixed(1)} s (lease 15 s, retry 2 s)\n`,
    );
    expect(handover).toBeLessThan(15 + 2 + 3);

    await kubectl([
      '-n',
      namespace.name,
      'patch',
      `petstore/${names[1]}`,
      '--type=merge',
      '-p',
      '{"spec":{"config":{"logLevel":"error"}}}',
    ]);
    await waitFor(
      async () => (await getJson(`configmap/${names[1]}-config`)).data.LOG_LEVEL === 'error',
      30_000,
      'the new leader to reconcile',
    );
  }, 120_000);
});
