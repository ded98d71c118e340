// The operator's NetworkPolicy, enforced on the real node (kube-network-policies): connections are tried from inside
// real pods. The API pods admit only the load balancer's network (a probe pod whose address the PetStore lists in
// allowedCIDRs) and the metrics namespace; they reach the cluster DNS and the database (a real PostgreSQL behind the
// outside host, a network namespace routed through the node) and nothing else. A PetStore without the policy is the
// control: the same probes reach it and it reaches the outside host, so a dropped connection is the policy's doing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import { kubectl, podSecurity, realNode, useNamespace } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { apiKeyOf } from './api-key.ts';
import { connect, httpGet, httpRequest, resolve, type Source } from './network-probes.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { listenOutside, type Listener } from './outside-host.ts';
import { restrictedPod } from './real-node-pods.ts';
import { query } from './postgres-query.ts';

const stores = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const other = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const monitoring = useNamespace({ realNode: true, labels: podSecurity('restricted') });

const outside = realNodeNetwork.outsideHost.address;
/** The database port the operator's policy admits; the outside host forwards it to the real server. */
const databasePort = 5432;
/** A port on the same outside host that no rule admits. */
const unlistedPort = 9000;
const password = randomBytes(12).toString('hex');
let postgres: LocalPostgres | undefined;
let listeners: Listener[] = [];
let operator: OperatorProcess | undefined;

/** Probe pods: an HTTP server on 8080 in the API image, which has Node.js to run the probes with. */
const probe = (name: string) =>
  restrictedPod(name, realNode().images.api.ref, [
    'node',
    '-e',
    "require('node:http').createServer((q, s) => s.end('probe')).listen(8080)",
  ]);
const outsider: Source = { namespace: '', pod: 'outsider' };
const loadBalancer: Source = { namespace: '', pod: 'load-balancer' };
const prometheus: Source = { namespace: '', pod: 'prometheus' };
let shopApi: Source;
let openApi: Source;
const serviceIP: Record<'shop' | 'open', string> = { shop: '', open: '' };
const podIP: Record<string, string> = {};

async function sql<T extends pg.QueryResultRow>(text: string, database = 'petstore'): Promise<T[]> {
  if (!postgres) throw new Error('PostgreSQL is not running');
  return query<T>(postgres, text, database);
}

async function podField(namespace: string, pod: string, path: string): Promise<string> {
  return (await kubectl(['-n', namespace, 'get', 'pod', pod, '-o', `jsonpath={${path}}`])).trim();
}

async function apiPod(name: string): Promise<Source> {
  const pod = await kubectl([
    '-n',
    stores.name,
    'get',
    'pods',
    '-l',
    `app.kubernetes.io/instance=${name},!batch.kubernetes.io/job-name`,
    '-o',
    'jsonpath={.items[0].metadata.name}',
  ]);
  return { namespace: stores.name, pod: pod.trim(), container: 'api' };
}

describe('the operator’s NetworkPolicy, enforced on the real node', () => {
  beforeAll(async () => {
    for (const source of [outsider, loadBalancer]) source.namespace = other.name;
    prometheus.namespace = monitoring.name;
    // The database: PostgreSQL on the node's end of the outside host's link, reached by pods through the outside host.
    const server = await startLocalPostgres({
      extraListen: [
        { address: realNodeNetwork.outsideHost.gateway, clients: `${realNodeNetwork.outsideHost.address}/32` },
      ],
    });
    postgres = server;
    await sql(`CREATE ROLE petstore LOGIN PASSWORD '${password}'`, 'postgres');
    await sql('CREATE DATABASE petstore OWNER petstore', 'postgres');
    const postgresPort = new URL(server.url).port;
    listeners = [
      await listenOutside(databasePort, `${realNodeNetwork.outsideHost.gateway}:${postgresPort}`),
      await listenOutside(unlistedPort),
    ];

    await kubectl(['-n', other.name, 'apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [probe('outsider'), probe('load-balancer')] }),
    });
    await kubectl(['-n', monitoring.name, 'apply', '-f', '-'], { input: JSON.stringify(probe('prometheus')) });
    for (const source of [outsider, loadBalancer, prometheus]) {
      await kubectl(['-n', source.namespace, 'wait', '--for=condition=Ready', `pod/${source.pod}`, '--timeout=120s']);
      podIP[source.pod] = await podField(source.namespace, source.pod, '.status.podIP');
    }

    await installCrd();
    operator = await startOperator({
      args: [`--namespaces=${stores.name}`],
      env: { PETSTORE_API_IMAGE: realNode().images.api.ref, PETSTORE_METRICS_NAMESPACES: monitoring.name },
    });
    await kubectl(['-n', stores.name, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'shop-db' },
            stringData: { DATABASE_URL: `postgres://petstore:${password}@${outside}:${String(databasePort)}/petstore` },
          },
          {
            apiVersion: 'petstore.example.com/v1alpha1',
            kind: 'PetStore',
            metadata: { name: 'shop' },
            spec: {
              config: { environment: 'staging' },
              database: { engine: 'external', external: { secretName: 'shop-db' } },
              networkPolicy: {
                // The load balancer's network is the probe pod's address alone, so its neighbour stays outside.
                allowedCIDRs: [`${podIP['load-balancer'] ?? ''}/32`],
                databaseCIDRs: [`${outside}/32`],
              },
            },
          },
          {
            apiVersion: 'petstore.example.com/v1alpha1',
            kind: 'PetStore',
            metadata: { name: 'open' },
            spec: {
              config: { environment: 'development' },
              database: { engine: 'sqlite' },
              networkPolicy: { enabled: false },
            },
          },
        ],
      }),
    });
    for (const name of ['shop', 'open'] as const) {
      await kubectl(['-n', stores.name, 'wait', '--for=condition=Ready', `petstore/${name}`, '--timeout=300s']);
      serviceIP[name] = (
        await kubectl(['-n', stores.name, 'get', 'service', name, '-o', 'jsonpath={.spec.clusterIP}'])
      ).trim();
    }
    shopApi = await apiPod('shop');
    openApi = await apiPod('open');
    podIP.shop = await podField(stores.name, shopApi.pod, '.status.podIP');
  }, 600_000);

  afterAll(async () => {
    for (const listener of listeners) listener.stop();
    await operator?.stop();
    await kubectl(['-n', stores.name, 'delete', 'petstores', '--all', '--wait=true', '--timeout=60s']).catch(
      () => undefined,
    );
    await postgres?.dispose();
  });

  it('has a NetworkPolicy for the PetStore that asks for one, and none for the control', async () => {
    const policies = await kubectl(['-n', stores.name, 'get', 'networkpolicies', '-o', 'name']);
    expect(policies.trim().split('\n')).toEqual(['networkpolicy.networking.k8s.io/shop']);
  });

  it('drops connections to the API pods from a pod in another namespace', async () => {
    expect(await connect(outsider, serviceIP.shop, 80)).toBe('timeout');
    expect(await connect(outsider, podIP.shop ?? '', 8080)).toBe('timeout');
  });

  it('admits the load balancer’s network (allowedCIDRs), whose writes reach the database', async () => {
    expect(await httpGet(loadBalancer, `http://${serviceIP.shop}/api/v1/health`)).toBe('200');
    const status = await httpRequest(loadBalancer, `http://${serviceIP.shop}/api/v1/pets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_key: await apiKeyOf(stores.name, 'shop') },
      body: JSON.stringify({ name: 'Felix', photoUrls: [], status: 'available' }),
    });
    expect(status).toBe('201');
    expect(await sql<{ name: string }>("SELECT name FROM pets WHERE name = 'Felix'")).toEqual([{ name: 'Felix' }]);
  });

  it('admits the metrics namespace on the API port', async () => {
    expect(await httpGet(prometheus, `http://${podIP.shop ?? ''}:8080/api/v1/health`)).toBe('200');
  });

  it('lets the API pods reach the cluster DNS and the database, and nothing else', async () => {
    expect(await resolve(shopApi, `kubernetes.default.svc.${realNodeNetwork.clusterDomain}.`)).toBe('10.0.0.1');
    expect(await connect(shopApi, outside, databasePort)).toBe('connected');
    expect(await connect(shopApi, outside, unlistedPort)).toBe('timeout');
    expect(await connect(shopApi, podIP.outsider ?? '', 8080)).toBe('timeout');
  });

  it('leaves a PetStore with networkPolicy.enabled: false open both ways (the control)', async () => {
    expect(await connect(outsider, serviceIP.open, 80)).toBe('connected');
    expect(await connect(openApi, outside, unlistedPort)).toBe('connected');
    expect(await connect(openApi, podIP.outsider ?? '', 8080)).toBe('connected');
    expect(await resolve(openApi, `kubernetes.default.svc.${realNodeNetwork.clusterDomain}.`)).toBe('10.0.0.1');
  });
});
