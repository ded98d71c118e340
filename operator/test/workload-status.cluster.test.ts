// Status tells the truth about pods that cannot exist (issue 18, item 7): on the real local cluster, a PetStore whose
// pods the namespace quota refuses says so in Ready, naming the quota, instead of "0 of 1 pods updated".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../../test/e2e/operator.ts';

const namespace = useNamespace();
let operator: OperatorProcess;

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({ args: [`--namespaces=${namespace.name}`] });
}, 120_000);
afterAll(async () => {
  await operator.stop();
});

describe('a PetStore whose pods the namespace quota refuses', () => {
  it('is not Ready, with reason QuotaExceeded and the quota named in the message', async () => {
    // Other pods of the namespace already use what the quota the operator makes for one SQLite PetStore allows (3 pods).
    await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], {
      input: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: hog }
spec:
  replicas: 3
  selector: { matchLabels: { app: hog } }
  template:
    metadata: { labels: { app: hog } }
    spec: { containers: [{ name: hog, image: hog:1 }] }
`,
    });
    // The hog's pods exist before the operator makes the quota, so the quota counts them and refuses the PetStore's pod
    // (created the other way round, the quota would admit the PetStore's pod and refuse one of the hog's).
    await waitFor(
      async () => {
        const pods = await kubectl(['-n', namespace.name, 'get', 'pods', '-l', 'app=hog', '-o', 'name']);
        return pods.trim().split('\n').filter(Boolean).length === 3 || undefined;
      },
      60_000,
      "the hog's 3 pods",
      250,
    );
    await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], {
      input: `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: dev }
spec: {}
`,
    });
    const ready = (await waitFor(
      async () => {
        const petStore = JSON.parse(await kubectl(['-n', namespace.name, 'get', 'petstore/dev', '-o', 'json'])) as {
          status?: { conditions?: { type: string; reason: string; message: string }[] };
        };
        const condition = petStore.status?.conditions?.find((c) => c.type === 'Ready');
        return condition?.reason === 'QuotaExceeded' ? condition : undefined;
      },
      90_000,
      'the PetStore to report QuotaExceeded',
      500,
    ))!;
    expect(ready.message).toMatch(
      /^pods cannot be created: ResourceQuota petstore-quota is exhausted in this namespace/,
    );
    expect(ready.message).toContain('exceeded quota: petstore-quota');
    // kubectl get -o wide shows it too.
    expect(await kubectl(['-n', namespace.name, 'get', 'petstores', '-o', 'wide'])).toMatch(
      /dev\s+False\s.*QuotaExceeded/,
    );
  }, 120_000);
});
