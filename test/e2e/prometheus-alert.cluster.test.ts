// A real Prometheus (built from the Go module proxy) in a pod on the real node scrapes a real API pod of an
// external-PostgreSQL PetStore, configured from the PetStore's ServiceMonitor (Kubernetes service discovery, as the
// Prometheus Operator generates it) and PrometheusRule. The scrape crosses the PetStore's enforced NetworkPolicy, which
// admits the metrics namespace. Stopping the PetStore's PostgreSQL makes PetStoreHighErrorRate go pending, then firing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import type { PetStore } from '../../operator/src/api/v1alpha1/petstore.ts';
import { buildPrometheusRule } from '../../operator/src/builders/monitoring/prometheus-rule.ts';
import { buildServiceMonitor } from '../../operator/src/builders/monitoring/service-monitor.ts';
import { sqliteConnection } from '../../operator/src/spec/database-connection.ts';
import { builtinDefaults } from '../../operator/src/spec/operator-defaults.ts';
import { resolveSpec } from '../../operator/src/spec/resolved-spec.ts';
import { cluster, kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { buildBinaryImage } from '../cluster/images.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { freePorts } from '../cluster/ports.ts';
import { ctr } from '../cluster/real-node.ts';
import { requireTool } from '../infra/tools.ts';
import { scrapeConfigsFor } from '../monitoring/scrape-config.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { listenOutside, type Listener } from './outside-host.ts';
import { query } from './postgres-query.ts';

const stores = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const monitoring = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const outside = realNodeNetwork.outsideHost.address;
const password = randomBytes(12).toString('hex');
let postgres: LocalPostgres | undefined;
let listener: Listener | undefined;
let operator: OperatorProcess | undefined;
const forwards: (() => void)[] = [];
let prometheusUrl = '';
let apiUrl = '';

/** `kubectl port-forward` to `target` in `namespace`; resolves to the local URL once `ready` answers. */
async function portForward(namespace: string, target: string, port: number, ready: string): Promise<string> {
  const [local] = await freePorts(1);
  const child = spawn(
    cluster().binaries?.kubectl ?? 'kubectl',
    ['--kubeconfig', cluster().kubeconfig, '-n', namespace, 'port-forward', target, `${String(local)}:${String(port)}`],
    { stdio: 'ignore' },
  );
  forwards.push(() => child.kill('SIGTERM'));
  const url = `http://127.0.0.1:${String(local)}`;
  await waitFor(async () => (await fetch(`${url}${ready}`).catch(() => undefined))?.ok, 60_000, `${target} to answer`);
  return url;
}

/** Prometheus in the metrics namespace: discovery rights in the PetStore's namespace, its config and rules mounted. */
function prometheusObjects(image: string, config: object, rules: object): object[] {
  const sa = { kind: 'ServiceAccount', name: 'prometheus', namespace: monitoring.name };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'prometheus', namespace: monitoring.name } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'prometheus-discovery', namespace: stores.name },
      rules: [
        { apiGroups: [''], resources: ['services', 'pods', 'endpoints'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'prometheus-discovery', namespace: stores.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus-discovery' },
      subjects: [sa],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'prometheus', namespace: monitoring.name },
      data: { 'prometheus.yaml': stringify(config), 'rules.yaml': stringify(rules) },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'prometheus', namespace: monitoring.name, labels: { app: 'prometheus' } },
      spec: {
        serviceAccountName: 'prometheus',
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'prometheus',
            image,
            args: [
              '--config.file=/etc/prometheus/prometheus.yaml',
              '--storage.tsdb.path=/data',
              '--web.listen-address=:9090',
            ],
            ports: [{ name: 'web', containerPort: 9090 }],
            readinessProbe: { httpGet: { path: '/-/ready', port: 'web' }, periodSeconds: 2 },
            resources: {
              requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '10Mi' },
              limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '100Mi' },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/prometheus' },
              { name: 'data', mountPath: '/data' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'prometheus' } },
          { name: 'data', emptyDir: { sizeLimit: '100Mi' } },
        ],
      },
    },
  ];
}

/** The PetStore's API pods (not its migration Job's), by name. */
async function apiPods(): Promise<string[]> {
  const names = await kubectl([
    ...['-n', stores.name, 'get', 'pods', '-l', 'app.kubernetes.io/instance=shop,!batch.kubernetes.io/job-name'],
    ...['-o', 'jsonpath={.items[*].metadata.name}'],
  ]);
  return names.trim().split(' ').filter(Boolean);
}

interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function prometheusApi<T>(path: string): Promise<T> {
  return ((await (await fetch(`${prometheusUrl}/api/v1/${path}`)).json()) as { data: T }).data;
}

async function alertState(name: string): Promise<string | undefined> {
  const { alerts } = await prometheusApi<{ alerts: PrometheusAlert[] }>('alerts');
  return alerts.find((a) => a.labels.alertname === name && a.labels.petstore === 'shop')?.state;
}

beforeAll(async () => {
  // The database, behind the outside host on 5432 (the port the PetStore's NetworkPolicy lets the API pods reach).
  postgres = await startLocalPostgres({
    extraListen: [
      { address: realNodeNetwork.outsideHost.gateway, clients: `${realNodeNetwork.outsideHost.address}/32` },
    ],
  });
  await query(postgres, `CREATE ROLE petstore LOGIN PASSWORD '${password}'`, 'postgres');
  await query(postgres, 'CREATE DATABASE petstore OWNER petstore', 'postgres');
  listener = await listenOutside(5432, `${realNodeNetwork.outsideHost.gateway}:${new URL(postgres.url).port}`);

  await installCrd();
  operator = await startOperator({
    args: [`--namespaces=${stores.name}`],
    env: { PETSTORE_API_IMAGE: realNode().images.api.ref, PETSTORE_METRICS_NAMESPACES: monitoring.name },
  });
  const petStore: PetStore = {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: { name: 'shop', namespace: stores.name, uid: '' },
    spec: {
      config: { environment: 'staging' },
      database: { engine: 'external', external: { secretName: 'shop-db' } },
      networkPolicy: { databaseCIDRs: [`${outside}/32`] },
      // One client (the test) sends the traffic.
      rateLimit: { requests: 0 },
    },
  };
  await kubectl(['-n', stores.name, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'shop-db' },
          stringData: { DATABASE_URL: `postgres://petstore:${password}@${outside}:5432/petstore` },
        },
        { ...petStore, metadata: { name: 'shop' } },
      ],
    }),
  });

  // The operator's ServiceMonitor and PrometheusRule for this PetStore, as the Prometheus Operator would load them.
  // Two liberties keep the test short: scrapes and evaluations every 2 s, and `for: 20s` in place of 5m (promtool
  // tests the real durations).
  const inputs = {
    petStore,
    spec: resolveSpec(petStore, builtinDefaults),
    connection: sqliteConnection,
    generatedApiKey: 'unused',
  };
  const rule = buildPrometheusRule(inputs);
  const rules = {
    groups: rule.spec.groups.map((group) => ({
      ...group,
      rules: group.rules.map((entry) => (entry.for ? { ...entry, for: '20s' } : entry)),
    })),
  };
  const config = {
    global: { scrape_interval: '2s', evaluation_interval: '2s' },
    rule_files: ['/etc/prometheus/rules.yaml'],
    scrape_configs: scrapeConfigsFor(buildServiceMonitor(inputs), '2s'),
  };
  const image = await buildBinaryImage('prometheus', 'localhost/prometheus:e2e', requireTool('prometheus'), (args) =>
    ctr(realNode(), args),
  );
  await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: prometheusObjects(image, config, rules) }),
  });

  await kubectl(['-n', stores.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=300s']);
  await kubectl(['-n', monitoring.name, 'wait', '--for=condition=Ready', 'pod/prometheus', '--timeout=120s']);
  const [apiPod = ''] = await apiPods();
  apiUrl = await portForward(stores.name, `pod/${apiPod}`, 8080, '/api/v1/health');
  prometheusUrl = await portForward(monitoring.name, 'pod/prometheus', 9090, '/-/ready');
}, 600_000);

afterAll(async () => {
  for (const stop of forwards) stop();
  listener?.stop();
  await operator?.stop();
  await kubectl(['-n', stores.name, 'delete', 'petstores', '--all', '--wait=true', '--timeout=60s']).catch(
    () => undefined,
  );
  await postgres?.dispose();
});

describe('a real Prometheus in a pod, with the PetStore’s ServiceMonitor and PrometheusRule', () => {
  let traffic: NodeJS.Timeout | undefined;
  afterAll(() => clearInterval(traffic));

  it('discovers and scrapes the API pod through its NetworkPolicy, with the labels the rules select on', async () => {
    traffic = setInterval(() => {
      fetch(`${apiUrl}/api/v1/pets`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
    }, 50);
    const target = await waitFor(
      async () => {
        const { activeTargets } = await prometheusApi<{
          activeTargets: { health: string; lastError: string; labels: Record<string, string> }[];
        }>('targets');
        return activeTargets.find((t) => t.health === 'up');
      },
      90_000,
      'Prometheus to scrape the API pod',
      1000,
    );
    expect(target!.labels).toMatchObject({
      namespace: stores.name,
      job: 'shop',
      service: 'shop',
      container: 'api',
      endpoint: 'http',
    });
    expect(await apiPods()).toContain(target!.labels.pod);
    // The recording rule sees the successful traffic; no alert while it succeeds.
    await waitFor(
      async () => {
        const q = encodeURIComponent(`petstore:http_requests:rate5m{namespace="${stores.name}", job="shop"}`);
        const { result } = await prometheusApi<{ result: { value: [number, string] }[] }>(`query?query=${q}`);
        return Number(result[0]?.value[1] ?? 0) > 0;
      },
      60_000,
      'the request rate to be recorded',
    );
    expect(await alertState('PetStoreHighErrorRate')).toBeUndefined();
  }, 180_000);

  it('PetStoreHighErrorRate goes pending, then firing, when the database stops', async () => {
    await postgres!.stop();
    await waitFor(
      async () => (await fetch(`${apiUrl}/api/v1/pets`)).status >= 500,
      30_000,
      'the API to answer 5xx without its database',
    );
    await waitFor(
      async () => (await alertState('PetStoreHighErrorRate')) === 'pending',
      90_000,
      'PetStoreHighErrorRate to be pending',
      500,
    );
    const pendingAt = Date.now();
    await waitFor(
      async () => (await alertState('PetStoreHighErrorRate')) === 'firing',
      90_000,
      'PetStoreHighErrorRate to fire',
      500,
    );
    // `for:` held it back (20 s here), minus one evaluation interval of slack.
    expect(Date.now() - pendingAt).toBeGreaterThanOrEqual(17_000);
    const { alerts } = await prometheusApi<{ alerts: PrometheusAlert[] }>('alerts');
    const firing = alerts.find((a) => a.labels.alertname === 'PetStoreHighErrorRate' && a.state === 'firing');
    expect(firing?.labels).toMatchObject({
      severity: 'critical',
      petstore: 'shop',
      namespace: stores.name,
      job: 'shop',
    });
  }, 240_000);
});
