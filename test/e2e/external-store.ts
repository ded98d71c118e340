// A PetStore on external PostgreSQL, served from the real node: a throwaway PostgreSQL server listening on the node's
// bridge address (where pods reach it), a database and role of its own, the operator watching the test's namespace,
// and the PetStore applied from a spec the test gives. For the tests that need running, multi-pod API workloads.
import { randomBytes } from 'node:crypto';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import { kubectl, realNode } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { query } from './postgres-query.ts';

export interface ExternalStore {
  /** Applies (or re-applies) the PetStore `name` with this spec; database settings are added. */
  apply(spec: object): Promise<void>;
  stop(): Promise<void>;
}

export async function startExternalStore(namespace: string, name: string): Promise<ExternalStore> {
  const password = randomBytes(12).toString('hex');
  const postgres: LocalPostgres = await startLocalPostgres({
    extraListen: [{ address: realNodeNetwork.nodeIP, clients: realNodeNetwork.podCIDR }],
  });
  await query(postgres, `CREATE ROLE petstore LOGIN PASSWORD '${password}'`, 'postgres');
  await query(postgres, 'CREATE DATABASE petstore OWNER petstore', 'postgres');
  const port = new URL(postgres.url).port;
  await installCrd();
  const operator: OperatorProcess = await startOperator({
    args: [`--namespaces=${namespace}`],
    env: { PETSTORE_API_IMAGE: realNode().images.api.ref },
  });
  const databaseUrl = `postgres://petstore:${password}@${realNodeNetwork.nodeIP}:${port}/petstore`;
  await kubectl(['-n', namespace, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-db` },
      stringData: { DATABASE_URL: databaseUrl },
    }),
  });
  return {
    async apply(spec) {
      await kubectl(['-n', namespace, 'apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'petstore.example.com/v1alpha1',
          kind: 'PetStore',
          metadata: { name },
          spec: { ...spec, database: { engine: 'external', external: { secretName: `${name}-db` } } },
        }),
      });
    },
    async stop() {
      await kubectl(['-n', namespace, 'delete', 'petstore', name, '--wait=true', '--timeout=60s']).catch(
        () => undefined,
      );
      await operator.stop();
      await postgres.dispose();
    },
  };
}

export interface DeploymentState {
  metadata: { generation: number };
  spec: { replicas: number };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

export async function deploymentState(namespace: string, name: string): Promise<DeploymentState> {
  return JSON.parse(await kubectl(['-n', namespace, 'get', 'deployment', name, '-o', 'json'])) as DeploymentState;
}

/** Every pod updated and available, and no old pod active (terminating ones may still be finishing: see noTerminatingPods). */
export function rolledOut(d: DeploymentState): boolean {
  return (
    d.status.observedGeneration === d.metadata.generation &&
    d.status.updatedReplicas === d.spec.replicas &&
    d.status.availableReplicas === d.spec.replicas &&
    d.status.replicas === d.spec.replicas
  );
}

/** Whether every pod of the PetStore that is shutting down has gone (old pods drain for a while after a rollout). */
export async function noTerminatingPods(namespace: string, name: string): Promise<boolean> {
  const pods = JSON.parse(
    await kubectl([
      '-n',
      namespace,
      'get',
      'pods',
      '-l',
      `app.kubernetes.io/instance=${name},!batch.kubernetes.io/job-name`,
      '-o',
      'json',
    ]),
  ) as { items: { metadata: { deletionTimestamp?: string } }[] };
  return pods.items.every((pod) => pod.metadata.deletionTimestamp === undefined);
}

/** The settings the workload tests share: one client address sends far more than the default rate limit allows. */
export const loadTestSpec = {
  rateLimit: { requests: 0 },
  // Enforcement is network-policy.cluster.test.ts's subject; this PostgreSQL listens on a port of its own, not 5432.
  networkPolicy: { enabled: false },
};
