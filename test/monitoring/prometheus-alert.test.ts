// A real Prometheus (built from the Go module proxy) scrapes a real API process on this machine, configured from the
// ServiceMonitor and PrometheusRule the operator builds; stopping the API's PostgreSQL makes PetStoreHighErrorRate go
// pending and then firing. Until the local cluster has a node that runs pods, the API runs on the host (issue 18).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { startLocalPostgres, type LocalPostgres } from '../../api/test/postgres/local-server.ts';
import type { PetStore } from '../../operator/src/api/v1alpha1/petstore.ts';
import { buildPrometheusRule } from '../../operator/src/builders/monitoring/prometheus-rule.ts';
import { buildServiceMonitor } from '../../operator/src/builders/monitoring/service-monitor.ts';
import { builtinDefaults } from '../../operator/src/spec/operator-defaults.ts';
import { resolveSpec } from '../../operator/src/spec/resolved-spec.ts';
import { sqliteConnection } from '../../operator/src/spec/database-connection.ts';
import { freePorts } from '../cluster/ports.ts';
import { waitFor } from '../cluster/wait.ts';
import { requireTool } from '../infra/tools.ts';
import { scrapeConfigsFor } from './scrape-config.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'petstore-prometheus-'));
const petStore: PetStore = {
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: 'uid-shop' },
  spec: { database: { engine: 'external', external: { secretName: 'shop-postgres' } } },
};
const spec = resolveSpec(petStore, builtinDefaults);

let postgres: LocalPostgres | undefined;
const processes: ChildProcess[] = [];
let prometheusUrl = '';
let apiUrl = '';

function start(name: string, command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const log = openSync(path.join(work, `${name}.log`), 'a');
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  processes.push(child);
  return child;
}

function logTail(name: string): string {
  try {
    return readFileSync(path.join(work, `${name}.log`), 'utf8').slice(-3000);
  } catch {
    return '';
  }
}

interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function alerts(): Promise<PrometheusAlert[]> {
  const body = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as {
    data: { alerts: PrometheusAlert[] };
  };
  return body.data.alerts;
}

async function alertState(name: string): Promise<string | undefined> {
  return (await alerts()).find((a) => a.labels.alertname === name && a.labels.petstore === 'shop')?.state;
}

beforeAll(async () => {
  const prometheus = requireTool('prometheus');
  postgres = await startLocalPostgres();
  const [apiPort, prometheusPort] = await freePorts(2);
  const databaseEnv = { DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' };
  const migrate = start('migrate', process.execPath, ['api/src/migrate.ts'], databaseEnv);
  const migrated = await new Promise<number | null>((resolve) => migrate.once('exit', resolve));
  if (migrated !== 0) throw new Error(`migrations failed: ${logTail('migrate')}`);
  start('api', process.execPath, ['api/src/main.ts'], { ...databaseEnv, PORT: String(apiPort) });
  apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${apiUrl}/api/v1/health`)).ok, 60_000, 'the API to answer');

  // The operator's ServiceMonitor and PrometheusRule, as Prometheus Operator would load them. Two liberties keep the
  // test short: scrapes and evaluations every 2 s, and `for: 20s` in place of 5m (promtool tests the real durations).
  const monitor = buildServiceMonitor({ petStore: petStore, spec: spec, connection: sqliteConnection });
  const rule = buildPrometheusRule({ petStore: petStore, spec: spec, connection: sqliteConnection });
  const groups = rule.spec.groups.map((group) => ({
    ...group,
    rules: group.rules.map((entry) => (entry.for ? { ...entry, for: '20s' } : entry)),
  }));
  writeFileSync(path.join(work, 'rules.yaml'), stringify({ groups }));
  const scrape = scrapeConfigsFor(
    monitor,
    { address: `127.0.0.1:${apiPort}`, serviceName: 'shop', pod: 'shop-7d9c8b5f4-abcde', container: 'api' },
    '2s',
  );
  writeFileSync(
    path.join(work, 'prometheus.yaml'),
    stringify({
      global: { scrape_interval: '2s', evaluation_interval: '2s' },
      rule_files: [path.join(work, 'rules.yaml')],
      scrape_configs: scrape,
    }),
  );
  start('prometheus', prometheus, [
    `--config.file=${path.join(work, 'prometheus.yaml')}`,
    `--storage.tsdb.path=${path.join(work, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ]);
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  await waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, 60_000, 'Prometheus to be ready');
}, 180_000);

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill('SIGTERM');
  await postgres?.dispose();
});

describe('a real Prometheus with the PetStore ServiceMonitor and PrometheusRule', () => {
  let traffic: NodeJS.Timeout | undefined;
  afterAll(() => clearInterval(traffic));

  it('scrapes the API with the labels the rules select on', async () => {
    traffic = setInterval(() => {
      fetch(`${apiUrl}/api/v1/pets`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
    }, 50);
    const targets = (await waitFor(
      async () => {
        const body = (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as {
          data: { activeTargets: { health: string; labels: Record<string, string> }[] };
        };
        const target = body.data.activeTargets[0];
        return target?.health === 'up' ? target : undefined;
      },
      60_000,
      `Prometheus to scrape the API (prometheus log: ${logTail('prometheus')})`,
    ))!;
    expect(targets.labels).toMatchObject({ namespace: 'pets', job: 'shop', pod: 'shop-7d9c8b5f4-abcde' });
    // The recording rule sees the successful traffic; no alert while it succeeds.
    await waitFor(
      async () => {
        const query = encodeURIComponent('petstore:http_requests:rate5m{namespace="pets", job="shop"}');
        const body = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${query}`)).json()) as {
          data: { result: { value: [number, string] }[] };
        };
        return Number(body.data.result[0]?.value[1] ?? 0) > 0;
      },
      60_000,
      'the request rate to be recorded',
    );
    expect(await alertState('PetStoreHighErrorRate')).toBeUndefined();
  }, 120_000);

  it('PetStoreHighErrorRate goes pending, then firing, when the database stops', async () => {
    await postgres!.stop();
    const failing = await fetch(`${apiUrl}/api/v1/pets`);
    expect(failing.status).toBeGreaterThanOrEqual(500);
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
    const firing = (await alerts()).find((a) => a.labels.alertname === 'PetStoreHighErrorRate')!;
    expect(firing.labels).toMatchObject({ severity: 'critical', petstore: 'shop', namespace: 'pets', job: 'shop' });
  }, 200_000);
});
