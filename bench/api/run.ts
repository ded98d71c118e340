// API benchmark (`npm run bench -- api`): autocannon against the API on SQLite and on PostgreSQL, and, in the same run
// on the same machine, against a bare node:http server answering the same routes with the same JSON from memory, and
// against the framework's floor: Koa, then Koa with @koa/router and the API's route table, answering from memory.
// Per scenario and server, one after the other so they all see the same machine: a warm-up, a closed-loop run at
// maximum throughput (autocannon), then an open-loop run at half that rate (paced-load.ts) for the latency of a loaded,
// not saturated, server. The API runs as `node api/src/main.ts` with LOG_LEVEL=info (JSON lines to /dev/null) and its
// metrics on, as deployed: API keys configured (writes send one, reads are public) and the rate limit on, its budget
// set above what the load generator sends so that it counts every request without refusing any. Prints a Markdown table for docs/benchmarks.md.
// Knobs: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 50). Pipelining is always 1.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../../api/test/postgres/server.ts';
import { createTestDatabase } from '../../api/test/support/databases.ts';
import { freePort } from '../../api/test/support/process.ts';
import { apiKey, pageSize, pet } from './fixtures.ts';
import { pacedLoad } from './paced-load.ts';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: object) => Promise<Result>;

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const warmUp = 3;
const seededPets = 200;

const scenarios = [
  { name: 'GET /api/v1/health', path: '/api/v1/health', read: true },
  { name: 'GET /api/v1/pets/{petId}', path: '/api/v1/pets/100', read: true },
  { name: `GET /api/v1/pets?limit=${pageSize}`, path: `/api/v1/pets?limit=${pageSize}`, read: true },
  { name: 'POST /api/v1/pets', path: '/api/v1/pets', read: false, method: 'POST', body: JSON.stringify(pet) },
];

interface Measurement {
  scenario: string;
  server: string;
  rps: number;
  /** Server CPU time per request, µs. */
  cpuPerRequest: number;
  p50: number;
  p99: number;
  halfRate: number;
  halfP50: number;
  halfP99: number;
  halfLateP99: number;
  failures: number;
}

interface Target {
  server: string;
  /** The API under test, as opposed to a baseline answering from memory. */
  isApi: boolean;
  port: number;
  /** CPU seconds the server process has used so far (user + system, from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

// The machine is shared, so besides req/s the report gives each server's own CPU time per request: what it costs,
// whatever else competed for the cores during the run.
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const cpuSecondsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime
};

const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

async function startServer(server: string, args: string[], env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${server} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { server, isApi: false, port, stop, cpuSeconds: () => cpuSecondsOf(child.pid ?? 0) };
    await sleep(100);
  }
  await stop();
  throw new Error(`${server} did not answer on port ${port}`);
}

async function startApi(server: string, databaseUrl: string): Promise<Target> {
  const api = await startServer(server, [file('../../api/src/main.ts')], {
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    API_KEYS: apiKey,
    RATE_LIMIT_REQUESTS: '1000000',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });
  for (let i = 0; i < seededPets; i++) {
    const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/pets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', api_key: apiKey },
      body: JSON.stringify(pet),
    });
    if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  }
  return { ...api, isApi: true };
}

async function migrate(databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, [file('../../api/src/migrate.ts')], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`migrate exited with ${code}`);
}

async function measure(scenario: (typeof scenarios)[number], target: Target): Promise<Measurement> {
  const { server, port } = target;
  const url = `http://127.0.0.1:${port}${scenario.path}`;
  const method = scenario.method ?? 'GET';
  const headers: Record<string, string> = scenario.body ? { 'Content-Type': 'application/json', api_key: apiKey } : {};
  const options = { url, method, body: scenario.body, headers, connections, pipelining: 1 };
  await autocannon({ ...options, duration: warmUp });
  const cpuBefore = target.cpuSeconds();
  const max = await autocannon({ ...options, duration });
  const cpuPerRequest = ((target.cpuSeconds() - cpuBefore) / max.requests.total) * 1e6;
  const halfRate = Math.max(1, Math.round(max.requests.average / 2));
  // The half-load latency target is the API's; the baselines' half rates are beyond what one load process can pace.
  const half = target.isApi
    ? await pacedLoad({
        url,
        method,
        body: scenario.body,
        headers,
        rate: halfRate,
        durationSeconds: duration,
        connections,
      })
    : { p50: Number.NaN, p99: Number.NaN, lateP99: 0, failed: 0 };
  console.error(`  ${scenario.name.padEnd(28)} ${server.padEnd(16)} ${Math.round(max.requests.average)} req/s`);
  return {
    scenario: scenario.name,
    server,
    rps: max.requests.average,
    cpuPerRequest,
    p50: max.latency.p50,
    p99: max.latency.p99,
    halfRate,
    halfP50: half.p50,
    halfP99: half.p99,
    halfLateP99: half.lateP99,
    failures: max.non2xx + max.errors + max.timeouts + half.failed,
  };
}

const loadAtStart = loadavg()[0] ?? 0;
const targets: Target[] = [];
const sqliteDir = mkdtempSync(join(tmpdir(), 'petstore-bench-'));
const postgres = await startPostgres();
const measurements: Measurement[] = [];
try {
  targets.push(await startServer('node:http', [file('./baseline-server.ts')], {}));
  targets.push(await startServer('Koa', [file('./koa-floor-server.ts')], {}));
  targets.push(await startServer('Koa + @koa/router', [file('./koa-floor-server.ts'), '--router'], {}));
  targets.push(await startApi('API on SQLite', `sqlite:${join(sqliteDir, 'bench.sqlite')}`));
  const database = await createTestDatabase('postgres', postgres.url);
  if (database.config.engine !== 'postgres') throw new Error('expected PostgreSQL');
  await migrate(database.config.url);
  targets.push(await startApi('API on PostgreSQL', database.config.url));

  console.error(`${connections} connections, pipelining 1, ${duration} s per run (+${warmUp} s warm-up)`);
  for (const scenario of scenarios) {
    for (const target of targets) measurements.push(await measure(scenario, target));
  }
} finally {
  for (const target of targets) await target.stop();
  await postgres.dispose();
  rmSync(sqliteDir, { recursive: true, force: true });
}

const cpu = cpus();
const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const half = (m: Measurement) => {
  if (Number.isNaN(m.halfP99)) return '—';
  const late = m.halfLateP99 > 5 ? ` (generator ${ms(m.halfLateP99)} ms late)` : '';
  return `${ms(m.halfP50)} / ${ms(m.halfP99)} at ${m.halfRate}/s${late}`;
};
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ` +
    `Node.js ${process.version}, ${process.platform}/${process.arch}; servers, load generator and PostgreSQL share it ` +
    `(1-minute load average at start: ${loadAtStart.toFixed(1)}).`,
);
console.log(
  `Load: ${connections} connections, pipelining 1; ${duration} s at maximum throughput (autocannon, after a ${warmUp} s ` +
    `warm-up), then ${duration} s at half that rate, evenly paced.\n`,
);
console.log(
  '| Scenario | Server | max req/s | × node:http | server CPU µs/req | × node:http by CPU | ' +
    'p50 / p99 ms at max | p50 / p99 ms at half load | failed |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const m of measurements) {
  const base = measurements.find((b) => b.server === 'node:http' && b.scenario === m.scenario) ?? m;
  console.log(
    `| ${m.scenario} | ${m.server} | ${Math.round(m.rps)} | ${(m.rps / base.rps).toFixed(2)} | ` +
      `${Math.round(m.cpuPerRequest)} | ${(base.cpuPerRequest / m.cpuPerRequest).toFixed(2)} | ` +
      `${ms(m.p50)} / ${ms(m.p99)} | ${half(m)} | ${m.failures} |`,
  );
}
