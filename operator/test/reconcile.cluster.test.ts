// The reconciler on the real local cluster, through the operator process: what users see with kubectl.
// The namespace enforces the restricted Pod Security Standard, so every pod the operator makes must pass it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, useNamespace, waitFor } from '../../test/cluster/fixtures.ts';
import { installCrd, startOperator, writeRequests, type OperatorProcess } from '../../test/e2e/operator.ts';
import { dependents } from '../src/controller/dependents.ts';
import { optionalKinds } from '../src/petstore-controller.ts';

const namespace = useNamespace({ labels: podSecurity('restricted') });
let operator: OperatorProcess;

/** Every kind the declared workflow writes, as kubectl names them. */
const childKinds = dependents
  .flatMap((d) => (d.policy === 'external' || optionalKinds.includes(d.kind) ? [] : [d.kind]))
  .map((kind) => (kind.group ? `${kind.plural}.${kind.group}` : kind.plural))
  .join(',');

async function apply(yaml: string): Promise<void> {
  await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], { input: yaml });
}
async function json<T = Record<string, any>>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectl(['-n', namespace.name, 'get', '-o', 'json', ...args])) as T;
}
/** kind/name of every object the operator manages in the namespace, sorted. */
async function managedObjects(instance: string): Promise<string[]> {
  const out = await kubectl([
    '-n',
    namespace.name,
    'get',
    childKinds,
    '-l',
    'app.kubernetes.io/managed-by=petstore-operator',
    '-o',
    'name',
  ]);
  const shared = ['resourcequota/petstore-quota', 'limitrange/petstore-limits'];
  return out
    .split('\n')
    .filter(Boolean)
    .filter((name) => shared.includes(name) || name.split('/')[1]?.startsWith(instance))
    .sort();
}
async function resourceVersions(instance: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of await managedObjects(instance)) {
    versions[name] = (
      await kubectl(['-n', namespace.name, 'get', name, '-o', 'jsonpath={.metadata.resourceVersion}'])
    ).trim();
  }
  return versions;
}
async function waitReady(name: string): Promise<void> {
  await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', `petstore/${name}`, '--timeout=90s']);
}
async function reconciles(): Promise<number> {
  return operator.metric('controller_runtime_reconcile_total', { controller: 'petstore' });
}
/** Makes the operator reconcile `name` once more (a label change is an event) and waits until it did. */
async function nudge(name: string, value: string): Promise<void> {
  const before = await reconciles();
  await kubectl(['-n', namespace.name, 'label', '--overwrite', `petstore/${name}`, `nudge=${value}`]);
  await waitFor(async () => (await reconciles()) > before, 30_000, 'one more reconcile');
}

const sqlite = (name: string) => `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: ${name} }
spec: { config: { logLevel: debug } }
`;
const external = (name: string, extra = '') => `
apiVersion: v1
kind: Secret
metadata: { name: ${name}-db }
stringData: { DATABASE_URL: "postgres://petstore:s3cret-value@db.example.internal:5432/petstore" }
---
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: ${name} }
spec:
  database: { engine: external, external: { secretName: ${name}-db } }
  autoscaling: { minReplicas: 2, maxReplicas: 4 }
  ingress: { host: ${name}.example.com }
${extra}`;

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({ args: [`--namespaces=${namespace.name}`] });
}, 120_000);
afterAll(async () => {
  await operator.stop();
});

describe('a SQLite PetStore', () => {
  it('becomes Ready with exactly its active children, its pods admitted under the restricted standard', async () => {
    await apply(sqlite('dev'));
    await waitReady('dev');
    expect(await managedObjects('dev')).toEqual([
      'configmap/dev-config',
      'deployment.apps/dev',
      'limitrange/petstore-limits',
      'networkpolicy.networking.k8s.io/dev',
      'resourcequota/petstore-quota',
      'secret/dev-api-keys',
      'secret/dev-db-credentials',
      'service/dev',
      'serviceaccount/dev',
    ]);
    const deployment = await json('deployment/dev');
    expect(deployment.status.readyReplicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('shows READY, REPLICAS, DATABASE and URL in kubectl get', async () => {
    const table = await kubectl(['-n', namespace.name, 'get', 'petstores']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+REPLICAS\s+DATABASE\s+URL\s+AGE$/);
    expect(table).toMatch(new RegExp(`dev\\s+True\\s+1/1\\s+sqlite\\s+http://dev\\.${namespace.name}\\.svc/api/v1`));
    expect(await kubectl(['-n', namespace.name, 'get', 'ps', 'dev', '-o', 'name'])).toContain(
      'petstore.petstore.example.com/dev',
    );
  });

  it('writes nothing on a second pass: no resourceVersion changes, no write request', async () => {
    const before = await resourceVersions('dev');
    const writes = await writeRequests(operator);
    await nudge('dev', 'one');
    expect(await resourceVersions('dev')).toEqual(before);
    expect(await writeRequests(operator)).toBe(writes);
  });

  it('propagates a spec edit to the ConfigMap and rolls the pods', async () => {
    const checksum = async () =>
      (await json('deployment/dev')).spec.template.metadata.annotations[
        'petstore.example.com/config-checksum'
      ] as string;
    const before = await checksum();
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/dev',
      '--type=merge',
      '-p',
      '{"spec":{"config":{"logLevel":"warn"}}}',
    ]);
    await waitFor(async () => (await json('configmap/dev-config')).data.LOG_LEVEL === 'warn', 30_000, 'LOG_LEVEL=warn');
    await waitFor(async () => (await checksum()) !== before, 30_000, 'a new config checksum on the pod template');
    await waitReady('dev');
  });

  it('restores a child deleted by hand', async () => {
    const uid = (await json('service/dev')).metadata.uid as string;
    await kubectl(['-n', namespace.name, 'delete', 'service/dev']);
    await waitFor(
      async () =>
        (await json('service/dev').catch(() => undefined))?.metadata.uid !== uid &&
        (await json('service/dev')).metadata.uid,
      30_000,
      'the Service back',
    );
  });

  it('restores a child edited by hand', async () => {
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'deployment/dev',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"evil:latest"}]',
    ]);
    await waitFor(
      async () => (await json('deployment/dev')).spec.template.spec.containers[0].image !== 'evil:latest',
      30_000,
      'the image restored',
    );
  });
});

describe('a PostgreSQL PetStore with ingress and autoscaling', () => {
  it('waits for its Secret, saying which one is missing, then becomes Ready once it exists', async () => {
    await apply(`
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: waiting }
spec: { database: { engine: external, external: { secretName: not-there-yet } } }
`);
    await waitFor(
      async () =>
        (await json('petstore/waiting')).status?.conditions?.find((c: any) => c.type === 'Ready')?.reason ===
        'SecretNotFound',
      30_000,
      'Ready=False SecretNotFound',
    );
    const ready = (await json('petstore/waiting')).status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready.message).toContain(`Secret ${namespace.name}/not-there-yet does not exist`);
    await kubectl([
      '-n',
      namespace.name,
      'create',
      'secret',
      'generic',
      'not-there-yet',
      '--from-literal=DATABASE_URL=postgres://u:p@db:5432/x',
    ]);
    await waitReady('waiting');
  });

  it('runs the migration Job, then creates the HPA, PDB and Ingress, with no replicas under the HPA', async () => {
    await apply(external('shop'));
    await waitReady('shop');
    const objects = await managedObjects('shop');
    expect(objects).toEqual(
      expect.arrayContaining([
        'horizontalpodautoscaler.autoscaling/shop',
        'poddisruptionbudget.policy/shop',
        'ingress.networking.k8s.io/shop',
        'secret/shop-db-credentials',
      ]),
    );
    expect(objects.some((name) => name.startsWith('job.batch/shop-migrate-'))).toBe(true);
    const deployment = await json('deployment/shop', '--show-managed-fields');
    const owned = JSON.stringify(
      deployment.metadata.managedFields.filter((f: any) => f.manager === 'petstore-operator' && !f.subresource),
    );
    expect(owned).not.toContain('f:replicas');
    const secret = await json('secret/shop-db-credentials');
    expect(Buffer.from(secret.data.DB_PASSWORD, 'base64').toString()).toBe('s3cret-value');
    const status = JSON.stringify((await json('petstore/shop')).status);
    expect(status).not.toContain('s3cret-value');
    expect(await kubectl(['-n', namespace.name, 'get', 'events'])).not.toContain('s3cret-value');
  });

  it('deletes the Ingress when ingress is turned off, and the HPA when autoscaling is', async () => {
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/shop',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/ingress"},{"op":"remove","path":"/spec/autoscaling"},{"op":"add","path":"/spec/replicas","value":3}]',
    ]);
    await waitFor(
      async () =>
        !(await managedObjects('shop')).some((n) => n.startsWith('ingress') || n.startsWith('horizontalpodautoscaler')),
      30_000,
      'Ingress and HPA gone',
    );
    await waitFor(
      async () => (await json('deployment/shop')).spec.replicas === 3,
      30_000,
      'the Deployment at 3 replicas',
    );
  });

  it('scales with kubectl scale through the scale subresource', async () => {
    await kubectl(['-n', namespace.name, 'scale', 'petstore/shop', '--replicas=4']);
    await waitFor(async () => (await json('petstore/shop')).status?.replicas === 4, 60_000, 'status.replicas 4');
    await waitReady('shop');
  });

  it('reports what the API server refuses in a child as Stalled, naming the problem', async () => {
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/shop',
      '--type=merge',
      '-p',
      '{"spec":{"resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}}',
    ]);
    await waitFor(
      async () =>
        (await json('petstore/shop')).status?.conditions?.find((c: any) => c.type === 'Stalled')?.status === 'True',
      30_000,
      'Stalled=True',
    );
    const ready = (await json('petstore/shop')).status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(ready.message).toMatch(/cpu/i);
    await kubectl([
      '-n',
      namespace.name,
      'patch',
      'petstore/shop',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/resources/requests/cpu"},{"op":"remove","path":"/spec/resources/limits/cpu"}]',
    ]);
    await waitReady('shop');
  });

  it('removes every child when the PetStore is deleted', async () => {
    await kubectl(['-n', namespace.name, 'delete', 'petstore/shop', '--wait=true', '--timeout=60s']);
    await waitFor(
      async () =>
        (await managedObjects('shop')).every((n) => n.startsWith('resourcequota') || n.startsWith('limitrange')),
      60_000,
      'every child of shop gone',
    );
  });
});
