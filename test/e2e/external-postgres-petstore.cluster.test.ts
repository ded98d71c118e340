// An external-PostgreSQL PetStore on the real node against a real PostgreSQL server (Debian's, listening on the
// node's bridge address): the operator's migration Job runs in a pod and completes, then the API pods write to and
// read from that database; what they write is in the server's tables.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import { cluster, kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { freePorts } from '../cluster/ports.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { apiKeyOf } from './api-key.ts';
import { query } from './postgres-query.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const password = randomBytes(12).toString('hex');
let postgres: LocalPostgres;
let operator: OperatorProcess;
let api: string;
let stopForward: () => void = () => undefined;

/** Runs a query as the server's superuser, in the `petstore` database unless told otherwise. */
const sql = <T extends pg.QueryResultRow>(text: string, database = 'petstore'): Promise<T[]> =>
  query<T>(postgres, text, database);

describe('an external-PostgreSQL PetStore on the real node', () => {
  beforeAll(async () => {
    postgres = await startLocalPostgres({
      extraListen: [{ address: realNodeNetwork.nodeIP, clients: realNodeNetwork.podCIDR }],
    });
    await sql(`CREATE ROLE petstore LOGIN PASSWORD '${password}'`, 'postgres');
    await sql('CREATE DATABASE petstore OWNER petstore', 'postgres');
    const port = new URL(postgres.url).port;
    await installCrd();
    operator = await startOperator({
      args: [`--namespaces=${namespace.name}`],
      env: { PETSTORE_API_IMAGE: realNode().images.api.ref },
    });
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'shop-db' },
            stringData: {
              DATABASE_URL: `postgres://petstore:${password}@${realNodeNetwork.nodeIP}:${port}/petstore`,
            },
          },
          {
            apiVersion: 'petstore.example.com/v1alpha1',
            kind: 'PetStore',
            metadata: { name: 'shop' },
            spec: {
              replicas: 2,
              config: { environment: 'staging' },
              database: { engine: 'external', external: { secretName: 'shop-db' } },
            },
          },
        ],
      }),
    });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=300s']);
    const [local] = await freePorts(1);
    const forward = spawn(
      cluster().binaries?.kubectl ?? 'kubectl',
      [
        '--kubeconfig',
        cluster().kubeconfig,
        '-n',
        namespace.name,
        'port-forward',
        'service/shop',
        `${String(local)}:80`,
      ],
      { stdio: 'ignore' },
    );
    stopForward = () => forward.kill('SIGTERM');
    api = `http://127.0.0.1:${String(local)}/api/v1`;
    await waitFor(async () => (await fetch(`${api}/health`)).ok, 30_000, 'the port-forward to the API');
  }, 420_000);

  afterAll(async () => {
    stopForward();
    await operator.stop();
    await kubectl(['-n', namespace.name, 'delete', 'petstore', 'shop', '--wait=true', '--timeout=60s']).catch(
      () => undefined,
    );
    await postgres.dispose();
  });

  it('ran the migration Job in a pod on the real node, to completion, creating the schema', async () => {
    const jobs = JSON.parse(await kubectl(['-n', namespace.name, 'get', 'jobs', '-o', 'json'])) as {
      items: { metadata: { name: string }; status: { succeeded?: number } }[];
    };
    expect(jobs.items).toHaveLength(1);
    expect(jobs.items[0]?.status.succeeded).toBe(1);
    const nodes = await kubectl([
      '-n',
      namespace.name,
      'get',
      'pods',
      '-l',
      `job-name=${jobs.items[0]?.metadata.name ?? ''}`,
      '-o',
      'jsonpath={.items[*].spec.nodeName}',
    ]);
    expect(nodes.trim()).toBe(realNodeNetwork.nodeName);
    const tables = await sql<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['pets']));
  });

  it('writes through the API pods into PostgreSQL and reads it back', async () => {
    // Writes need the PetStore's API key, which the operator generated into <name>-api-keys.
    const response = await fetch(`${api}/pets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_key: await apiKeyOf(namespace.name, 'shop') },
      body: JSON.stringify({ name: 'Tom', photoUrls: [], status: 'pending' }),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: number };
    const rows = await sql<{ name: string }>(`SELECT name FROM pets WHERE id = ${String(created.id)}`);
    expect(rows).toEqual([{ name: 'Tom' }]);
    const read = (await (await fetch(`${api}/pets/${String(created.id)}`)).json()) as { name: string };
    expect(read.name).toBe('Tom');
  });

  it('runs two Ready API pods on the real node, both serving from the same database', async () => {
    const ready = await kubectl([
      '-n',
      namespace.name,
      'get',
      'pods',
      '-l',
      // The API pods, not the migration Job's (which carry the same instance label).
      'app.kubernetes.io/instance=shop,!batch.kubernetes.io/job-name',
      '-o',
      'jsonpath={range .items[*]}{.spec.nodeName} {.status.containerStatuses[0].ready}{"\\n"}{end}',
    ]);
    expect(ready.trim().split('\n')).toEqual([`${realNodeNetwork.nodeName} true`, `${realNodeNetwork.nodeName} true`]);
  });
});
