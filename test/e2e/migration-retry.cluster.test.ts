// A migration that fails on a transient error is retried, bounded (issue 13, item 11): the database's role and schema
// do not exist yet when the PetStore is applied (as while a DBA or a provisioning pipeline is still at work), so the
// migration Job's first pod fails; once they exist, the Job controller's next attempt (backoffLimit 4: about 2.5
// minutes of backoff in all) succeeds, and the PetStore becomes Ready with no one touching it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import { kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { query } from './postgres-query.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const password = randomBytes(12).toString('hex');
let postgres: LocalPostgres;
let operator: OperatorProcess;

const superuser = (text: string): Promise<unknown> => query(postgres, text, 'postgres');

const migrationJob = async (): Promise<{ failed: number; succeeded: number } | undefined> => {
  const jobs = JSON.parse(await kubectl(['-n', namespace.name, 'get', 'jobs', '-o', 'json'])) as {
    items: { status: { failed?: number; succeeded?: number } }[];
  };
  const job = jobs.items[0];
  return job ? { failed: job.status.failed ?? 0, succeeded: job.status.succeeded ?? 0 } : undefined;
};

beforeAll(async () => {
  postgres = await startLocalPostgres({
    extraListen: [{ address: realNodeNetwork.nodeIP, clients: realNodeNetwork.podCIDR }],
  });
  await installCrd();
  operator = await startOperator({
    args: [`--namespaces=${namespace.name}`],
    env: { PETSTORE_API_IMAGE: realNode().images.api.ref },
  });
}, 120_000);

afterAll(async () => {
  await operator.stop();
  await kubectl(['-n', namespace.name, 'delete', 'petstore', 'late', '--wait=true', '--timeout=60s']).catch(
    () => undefined,
  );
  await postgres.dispose();
});

describe('a migration whose database is not ready yet', () => {
  it('fails its first attempt, is retried by the Job, and the PetStore becomes Ready once the database is there', async () => {
    const port = new URL(postgres.url).port;
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'late-db' },
            stringData: { DATABASE_URL: `postgres://late:${password}@${realNodeNetwork.nodeIP}:${port}/late` },
          },
          {
            apiVersion: 'petstore.example.com/v1alpha1',
            kind: 'PetStore',
            metadata: { name: 'late' },
            spec: {
              replicas: 1,
              config: { environment: 'staging' },
              database: { engine: 'external', external: { secretName: 'late-db' } },
            },
          },
        ],
      }),
    });
    await waitFor(
      async () => ((await migrationJob())?.failed ?? 0) >= 1 || undefined,
      180_000,
      'the first migration attempt to fail',
      1_000,
    );
    // The database arrives.
    await superuser(`CREATE ROLE late LOGIN PASSWORD '${password}'`);
    await superuser('CREATE DATABASE late OWNER late');

    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/late', '--timeout=300s']);
    const job = await migrationJob();
    expect(job?.succeeded).toBe(1);
    expect(job?.failed).toBeGreaterThanOrEqual(1);
    expect(job?.failed).toBeLessThanOrEqual(4);
  }, 480_000);
});
