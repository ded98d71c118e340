// The user's external database Secret changes (a new password, another host): the operator, which does not watch
// unlabelled Secrets, must still carry the change into <name>-db-credentials within a minute, not at the next resync.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../../test/e2e/operator.ts';

const namespace = useNamespace();
let operator: OperatorProcess;

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({ args: [`--namespaces=${namespace.name}`], label: 'external-secret operator' });
}, 120_000);
afterAll(async () => {
  await operator.stop();
});

const userSecret = (password: string) => `
apiVersion: v1
kind: Secret
metadata: { name: orders-db }
stringData: { DATABASE_URL: "postgres://petstore:${password}@db.example.internal:5432/petstore" }
`;

async function credentialsPassword(): Promise<string | undefined> {
  const out = await kubectl([
    '-n',
    namespace.name,
    'get',
    'secret',
    'orders-db-credentials',
    '-o',
    'jsonpath={.data.DB_PASSWORD}',
    '--ignore-not-found',
  ]);
  return out === '' ? undefined : Buffer.from(out, 'base64').toString();
}

describe('an external database Secret that changes', () => {
  it('reaches <name>-db-credentials within 60 s', async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input:
        userSecret('first-password') +
        '---\napiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: orders }\n' +
        'spec: { replicas: 1, database: { engine: external, external: { secretName: orders-db } } }\n',
    });
    await waitFor(async () => (await credentialsPassword()) === 'first-password', 60_000, 'the first credentials');
    // Let the first rollout's events (Job, Deployment) pass, so only the recheck can carry the change.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: userSecret('rotated-password') });
    const changed = Date.now();
    await waitFor(async () => (await credentialsPassword()) === 'rotated-password', 60_000, 'the changed URL');
    expect(Date.now() - changed).toBeLessThan(60_000);
  }, 150_000);
});
