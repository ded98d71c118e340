// The chart's RBAC is enough: the operator process runs with the chart ServiceAccount's token and the environment the
// chart gives its Deployment, and reconciles PetStores (SQLite, external PostgreSQL with ingress, RDS on moto) to
// Ready without one request refused, once with the ClusterRole and once with per-namespace Roles (watchNamespaces).
// kwok only simulates pods, so the operator runs here as a local process (`node operator/src/main.ts`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aws, awsEnv, helm, kubectl, podSecurity, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../e2e/operator.ts';
import { requiredPermissions } from '../../operator/src/permissions.ts';
import { watchedKindsWhere } from '../../operator/src/petstore-controller.ts';
import { parse } from 'yaml';
import { chartDir, isTestHook, only, renderChart, type Manifest } from './chart.ts';
import { auditEventsOf, canI, serviceAccountKubeconfig } from './service-account.ts';
import { scratchDir } from '../scratch.ts';

const releaseNamespace = useNamespace({ labels: podSecurity('restricted') });
const clusterWide = useNamespace({ labels: podSecurity('restricted') });
const scoped = useNamespace({ labels: podSecurity('restricted') });

beforeAll(async () => {
  await installCrd();
}, 60_000);

interface RunningOperator {
  release: string;
  operator: OperatorProcess;
  username: string;
  fullname: string;
}

/**
 * Installs the chart (without its CRD, which other test files share) and starts the operator as its ServiceAccount
 * with the Deployment's environment. `watch` limits the operator to one namespace: with the ClusterRole it could
 * otherwise reconcile other test files' PetStores.
 */
async function installAndRun(
  release: string,
  values: Record<string, unknown>,
  watch: string,
): Promise<RunningOperator> {
  const fullname = `${release}-petstore-operator`;
  const valuesJson = JSON.stringify({ crds: { enabled: false }, tests: { enabled: false }, ...values });
  await helm(
    ['install', release, chartDir, '-n', releaseNamespace.name, '--values', '-', '--wait', '--timeout', '3m'],
    {
      input: valuesJson,
    },
  );
  const deployment = JSON.parse(
    await kubectl(['get', 'deployment', fullname, '-n', releaseNamespace.name, '-o', 'json']),
  ) as V1Deployment;
  const container = deployment.spec!.template.spec!.containers[0]!;
  const chartEnv = Object.fromEntries(
    (container.env ?? []).filter((v) => v.value !== undefined).map((v) => [v.name, v.value!]),
  );
  const serviceAccount = deployment.spec!.template.spec!.serviceAccountName!;
  const operator = await startOperator({
    kubeconfig: await serviceAccountKubeconfig(releaseNamespace.name, serviceAccount),
    label: `operator as ${serviceAccount}`,
    // POD_NAMESPACE is what the chart's fieldRef gives the pod; the flags only move the HTTP servers to free ports.
    env: { ...chartEnv, ...awsEnv(), POD_NAMESPACE: releaseNamespace.name, LOG_LEVEL: 'debug' },
    args: ['--leader-elect=true', `--namespaces=${watch}`],
  });
  return { release, operator, username: `system:serviceaccount:${releaseNamespace.name}:${serviceAccount}`, fullname };
}

async function waitReady(namespace: string, name: string): Promise<void> {
  await kubectl(['-n', namespace, 'wait', '--for=condition=Ready', `petstore/${name}`, '--timeout=120s']);
}

/** Requests of the ServiceAccount the API server refused. */
const refused = (username: string): string[] =>
  auditEventsOf(username)
    .filter((event) => event.responseStatus?.code === 403)
    .map(
      (event) =>
        `${event.verb} ${event.objectRef?.resource ?? ''}/${event.objectRef?.subresource ?? ''}: ${event.responseStatus?.message ?? ''}`,
    );

/**
 * `group/resource: verb` for every request the ServiceAccount made, as RBAC names them; a server-side apply that
 * created its object (201) was authorized for create as well as patch.
 */
const used = (username: string): Set<string> =>
  new Set(
    auditEventsOf(username)
      .filter((event) => event.objectRef?.resource && event.responseStatus?.code !== 403)
      .flatMap((event) => {
        const ref = event.objectRef!;
        const resource = `${ref.apiGroup ?? ''}/${ref.subresource ? `${ref.resource!}/${ref.subresource}` : ref.resource!}`;
        const created = event.verb === 'patch' && event.responseStatus?.code === 201;
        return created ? [`${resource}: patch`, `${resource}: create`] : [`${resource}: ${event.verb}`];
      }),
  );

describe('the operator as the chart ServiceAccount, with the ClusterRole', () => {
  let running: RunningOperator;
  const namespace = (): string => clusterWide.name;

  beforeAll(async () => {
    const moto = aws();
    running = await installAndRun(
      `rbac-${Math.random().toString(36).slice(2, 7)}`,
      {
        aws: { region: moto.region, endpoint: moto.endpoint },
        rds: { dbSubnetGroupName: moto.network.dbSubnetGroupName, securityGroupIds: [moto.network.securityGroupId] },
        clusterName: 'petstore-test',
      },
      namespace(),
    );
  }, 240_000);
  afterAll(async () => {
    await running.operator.stop();
  });

  it('holds the leader Lease in the release namespace', async () => {
    const holder = await waitFor(
      async () =>
        (
          await kubectl([
            'get',
            'lease',
            running.fullname,
            '-n',
            releaseNamespace.name,
            '-o',
            'jsonpath={.spec.holderIdentity}',
          ])
        ).trim(),
      30_000,
      'the operator to take the Lease',
    );
    expect(holder).not.toBe('');
  });

  it('reconciles a SQLite PetStore to Ready', async () => {
    await kubectl(['apply', '-n', namespace(), '-f', 'examples/sqlite.yaml']);
    await waitReady(namespace(), 'quickstart');
  });

  it('reconciles an external PostgreSQL PetStore with autoscaling and ingress to Ready, and prunes the Ingress', async () => {
    await kubectl(['apply', '-n', namespace(), '-f', '-'], {
      input: `
apiVersion: v1
kind: Secret
metadata: { name: staging-db }
stringData: { DATABASE_URL: "postgres://petstore:not-a-real-password@db.example.internal:5432/petstore" }
---
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: staging }
spec:
  database: { engine: external, external: { secretName: staging-db } }
  autoscaling: { minReplicas: 2, maxReplicas: 4 }
  ingress: { host: staging.example.com }
`,
    });
    await waitReady(namespace(), 'staging');
    await kubectl([
      'get',
      'ingress/staging',
      'horizontalpodautoscaler/staging',
      'poddisruptionbudget/staging',
      '-n',
      namespace(),
    ]);
    await kubectl([
      'patch',
      'petstore/staging',
      '-n',
      namespace(),
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/ingress"}]',
    ]);
    await waitFor(
      () =>
        kubectl(['get', 'ingress/staging', '-n', namespace()]).then(
          () => false,
          () => true,
        ),
      60_000,
      'the Ingress to be deleted',
    );
  });

  it('reconciles an RDS PetStore to Ready and, on delete, removes its finalizer', async () => {
    await kubectl(['apply', '-n', namespace(), '-f', '-'], {
      input: `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: shop }
spec:
  database: { engine: rds, rds: { deletionPolicy: Delete } }
`,
    });
    await waitReady(namespace(), 'shop');
    await kubectl(['delete', 'petstore/shop', '-n', namespace(), '--timeout=120s']);
  });

  it("runs helm test's steps for real: the test's own ServiceAccount applies, awaits and deletes a Ready PetStore", async () => {
    // kwok only reports the helm test pod as Succeeded; here its kubectl commands run, in order, with its identity.
    const hooks = renderChart({
      release: running.release,
      namespace: releaseNamespace.name,
      values: { tests: { namespace: namespace() } },
    }).filter(isTestHook);
    const objects = hooks
      .filter((hook) => hook.kind !== 'Job')
      .map((hook) => ({ ...hook, metadata: { ...hook.metadata, annotations: {} } }));
    await kubectl(['apply', '-f', '-'], { input: objects.map((o) => JSON.stringify(o)).join('\n') });
    const job = only(hooks, 'Job') as V1Job;
    const pod = job.spec!.template.spec!;
    const manifestDir = scratchDir('helm-test-');
    const configMap = only(hooks, 'ConfigMap') as Manifest & { data: Record<string, string> };
    for (const [file, text] of Object.entries(configMap.data)) writeFileSync(path.join(manifestDir, file), text);
    const asTest = ['--kubeconfig', await serviceAccountKubeconfig(namespace(), pod.serviceAccountName!)];
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const args = container.args!.map((arg) => arg.replace('/etc/petstore-test', manifestDir));
      await kubectl([...asTest, ...args]);
    }
    const petStore = parse(configMap.data['petstore.yaml']!) as Manifest;
    await expect(kubectl(['get', `petstore/${petStore.metadata.name}`, '-n', namespace()])).rejects.toThrow(/NotFound/);
  });

  it('was refused nothing, and its informers listed and watched every kind with its grants', () => {
    expect(refused(running.username)).toEqual([]);
    const usedGrants = used(running.username);
    // The test cluster does not serve the Prometheus Operator's kinds, so they are not watched there.
    for (const kind of watchedKindsWhere(false)) {
      expect(usedGrants).toContain(`${kind.group}/${kind.plural}: list`);
      expect(usedGrants).toContain(`${kind.group}/${kind.plural}: watch`);
    }
    const granted = requiredPermissions
      .filter((p) => p.scope === 'watched')
      .flatMap((p) => p.verbs.map((verb) => `${p.group}/${p.resource}: ${verb}`));
    // For the record: grants this scenario did not need (e.g. deleting kinds it never turned off).
    const unused = granted.filter((grant) => !usedGrants.has(grant));
    process.stderr.write(
      `[rbac] ${granted.length - unused.length}/${granted.length} grants used; unused: ${unused.join(', ')}\n`,
    );
  });
});

describe('the operator as the chart ServiceAccount, with Roles in watchNamespaces only', () => {
  let running: RunningOperator;

  beforeAll(async () => {
    running = await installAndRun(
      `scoped-${Math.random().toString(36).slice(2, 7)}`,
      { watchNamespaces: [scoped.name] },
      scoped.name,
    );
  }, 240_000);
  afterAll(async () => {
    await running.operator.stop();
  });

  it('reconciles a PetStore in the watched namespace to Ready, refused nothing', async () => {
    await kubectl(['apply', '-n', scoped.name, '-f', 'examples/sqlite.yaml']);
    await waitReady(scoped.name, 'quickstart');
    expect(refused(running.username)).toEqual([]);
  });

  it('has no access to PetStores anywhere else', async () => {
    expect(await canI(running.username, 'list', 'petstores', clusterWide.name)).toBe('no');
    expect(await canI(running.username, 'list', 'petstores', scoped.name)).toBe('yes');
  });
});

describe('server-side apply, as the operator writes every child', () => {
  it('needs create as well as patch when the object does not exist yet', async () => {
    const ns = clusterWide.name;
    await kubectl(['apply', '-n', ns, '-f', '-'], {
      input: `
apiVersion: v1
kind: ServiceAccount
metadata: { name: apply-only }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: apply-only }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [patch] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: apply-only }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: apply-only }
subjects: [{ kind: ServiceAccount, name: apply-only, namespace: ${ns} }]
`,
    });
    const asApplyOnly = ['--kubeconfig', await serviceAccountKubeconfig(ns, 'apply-only')];
    const apply = (): Promise<string> =>
      kubectl([...asApplyOnly, 'apply', '--server-side', '--field-manager=petstore-operator', '-n', ns, '-f', '-'], {
        input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: applied }\ndata: { a: "1" }\n',
      });

    await expect(apply()).rejects.toThrow(/cannot create resource "configmaps"/);
    await kubectl([
      'patch',
      'role/apply-only',
      '-n',
      ns,
      '--type=json',
      '-p',
      '[{"op":"add","path":"/rules/0/verbs/-","value":"create"}]',
    ]);
    await waitFor(() => apply(), 30_000, 'the apply to be allowed once create is granted');
  });
});
