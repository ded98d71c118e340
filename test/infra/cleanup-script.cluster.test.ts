// scripts/cleanup.sh's Kubernetes steps against a cluster: the real kubectl and helm, the real operator chart, the
// operator as a process finalizing an RDS PetStore in moto. Stand-ins remain only for aws and terraform. The cleanup
// deletes every PetStore and every PetStore Ingress in the cluster, so this file starts a cluster of its own instead of
// sharing the test cluster with the other files.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { down, operatorRdsEnvironment, up } from '../cluster/cluster.ts';
import { awsEnvironment } from '../cluster/moto.ts';
import { run } from '../cluster/processes.ts';
import { newRunDir, type ClusterState } from '../cluster/state.ts';
import { waitFor } from '../cluster/wait.ts';
import { startOperator, type OperatorProcess } from '../e2e/operator.ts';
import { eksStyleKubeconfig, runScriptAsync, type ScriptRun } from './stand-ins.ts';
import { repoRoot } from './tools.ts';
import { scratchDir } from '../scratch.ts';

let own: ClusterState | undefined;
let operator: OperatorProcess | undefined;
let eksKubeconfig = '';
let rds: RDSClient;
const clusterName = `cleanup-${Math.random().toString(36).slice(2, 8)}`;

const kubectl = (args: string[], input?: string): Promise<string> =>
  run(own!.binaries!.kubectl, ['--kubeconfig', own!.kubeconfig, ...args], input === undefined ? {} : { input });
const helm = (args: string[]): Promise<string> => run(own!.binaries!.helm, ['--kubeconfig', own!.kubeconfig, ...args]);

/** A chart standing in for a platform chart the deploy installs (aws-load-balancer-controller, cluster-autoscaler). */
function standInChart(name: string): string {
  const chart = path.join(scratchDir('cleanup-sh-chart-'), name);
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  writeFileSync(path.join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.0.1\n`);
  writeFileSync(
    path.join(chart, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-stand-in\n',
  );
  return chart;
}

const cleanup = (): Promise<ScriptRun> =>
  runScriptAsync(
    'cleanup',
    ['--environment', 'dev', '--state-bucket', 'tfstate', '--yes', '--petstore-timeout', '5m'],
    {
      real: { kubectl: own!.binaries!.kubectl, helm: own!.binaries!.helm },
      env: { STANDIN_KUBECONFIG: eksKubeconfig, STANDIN_OPERATOR_NAMESPACE: 'petstore-system' },
    },
  );

const petStore = (namespace: string, name: string, database: object) => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name, namespace },
  spec: { database, ingress: { host: `${name}.example.com` } },
});

/** The RDS instance of the PetStore team-a/shop, as moto lists it (undefined once deleted). */
async function shopInstance(): Promise<{ status?: string; snapshots: string[] }> {
  const { DBInstances = [] } = await rds.send(new DescribeDBInstancesCommand({}));
  const instance = DBInstances.find((i) =>
    i.TagList?.some((t) => t.Key === 'petstore.example.com/name' && t.Value === 'shop'),
  );
  const { DBSnapshots = [] } = await rds.send(new DescribeDBSnapshotsCommand({}));
  return {
    ...(instance?.DBInstanceStatus ? { status: instance.DBInstanceStatus } : {}),
    snapshots: DBSnapshots.map((s) => s.DBSnapshotIdentifier ?? ''),
  };
}

beforeAll(async () => {
  own = await up({
    runDir: newRunDir(),
    ownerPid: process.pid,
    log: (m) => void process.stderr.write(`[own cluster] ${m}\n`),
  });
  if (!own.moto || !own.binaries) throw new Error('the cluster started without moto or its binaries');
  const aws = awsEnvironment(own.moto);
  rds = new RDSClient({
    endpoint: aws.AWS_ENDPOINT_URL,
    region: aws.AWS_REGION,
    credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID ?? 'x', secretAccessKey: aws.AWS_SECRET_ACCESS_KEY ?? 'x' },
  });
  eksKubeconfig = eksStyleKubeconfig(own.kubeconfig);

  // What deploy.sh leaves: the operator chart (its CRDs with it) and the two platform charts.
  await helm([
    'install',
    'petstore-operator',
    path.join(repoRoot, 'charts/petstore-operator'),
    '--namespace',
    'petstore-system',
    '--create-namespace',
  ]);
  for (const name of ['aws-load-balancer-controller', 'cluster-autoscaler']) {
    await helm(['install', name, standInChart(name), '--namespace', 'kube-system']);
  }
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/petstores.petstore.example.com']);
  // The chart's pods only run on simulated nodes here; the operator that finalizes runs as a process.
  operator = await startOperator({
    kubeconfig: own.kubeconfig,
    env: { ...aws, ...operatorRdsEnvironment(own.moto), CLUSTER_NAME: clusterName, RDS_STATUS_POLL_INTERVAL: '2s' },
    label: 'operator log (own cluster)',
  });
  for (const namespace of ['team-a', 'team-b', 'other-team']) await kubectl(['create', 'namespace', namespace]);
  const otherIngress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'other-team' },
    spec: { rules: [{ host: 'web.example.com' }] },
  };
  await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        petStore('team-a', 'shop', { engine: 'rds' }),
        petStore('team-b', 'cart', { engine: 'sqlite' }),
        otherIngress,
      ],
    }),
  );
  await waitFor(
    async () => (await shopInstance()).status === 'available',
    120_000,
    'the RDS instance of team-a/shop to be available',
  );
  await waitFor(
    async () =>
      (await kubectl(['get', 'ingress', '-A', '-l', 'app.kubernetes.io/managed-by=petstore-operator', '-o', 'name']))
        .trim()
        .split('\n')
        .filter(Boolean).length === 2,
    60_000,
    'the two PetStore Ingresses',
  );
}, 600_000);

afterAll(async () => {
  await operator?.stop();
  if (own) await down(own.runDir);
});

describe('scripts/cleanup.sh against a cluster', () => {
  let first: ScriptRun;

  it('deletes the PetStores while the operator runs (the RDS database ends in its final snapshot), then their Ingresses, then the releases', async () => {
    first = await cleanup();
    expect(first.stderr).not.toContain('error:');
    expect(first.status).toBe(0);
    expect((await kubectl(['get', 'petstores', '-A', '-o', 'name'])).trim()).toBe('');
    const database = await shopInstance();
    expect(database.status).toBeUndefined();
    expect(database.snapshots).toContainEqual(expect.stringMatching(/^petstore-team-a-shop-.*-final$/));
    expect(
      (
        await kubectl(['get', 'ingress', '-A', '-l', 'app.kubernetes.io/managed-by=petstore-operator', '-o', 'name'])
      ).trim(),
    ).toBe('');
    expect((await helm(['list', '--all-namespaces', '-q'])).trim()).toBe('');
    // In that order: the releases go last, so the operator was there to finalize.
    const steps = ['PetStores', "The PetStores' Ingresses", 'Helm releases', 'images in ECR', 'infrastructure'];
    const positions = steps.map((step) => first.stderr.indexOf(step));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  }, 600_000);

  it("leaves another team's Ingress alone, and names it", async () => {
    expect((await kubectl(['-n', 'other-team', 'get', 'ingress', 'web', '-o', 'name'])).trim()).toBe(
      'ingress.networking.k8s.io/web',
    );
    expect(first.stderr).toContain('left alone, not made by PetStores');
    expect(first.stderr).toContain('other-team/web');
  });

  it('finishes when run again, finding nothing left to delete', async () => {
    const again = await cleanup();
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('0 PetStore(s)');
    expect(again.stderr).toContain('release petstore-operator is not installed');
  }, 300_000);
});
