// End-to-end fixtures: the PetStore CRD installed on the test cluster, and the operator as a real process
// (`node operator/src/main.ts`) with its log registered for the failure dump and its ports read from the log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cluster, kubectl, registerLogFile, waitFor } from '../cluster/fixtures.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const crdFile = path.join(repoRoot, 'crds/petstore.example.com_petstores.yaml');

/** Applies crds/ (server-side, idempotent: test files may race) and waits until the API serves PetStores. */
export async function installCrd(): Promise<void> {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdFile]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/petstores.petstore.example.com']);
}

export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  /** The /metrics text, parsed into `name{labels}` → value. */
  metrics(): Promise<Map<string, number>>;
  /** Sum of every series of a metric whose labels include all of `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM and wait for exit (graceful shutdown). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit (a crash). */
  kill(): Promise<void>;
}

export interface OperatorOptions {
  /** Extra flags, e.g. ['--namespaces=a,b']. Leader election is off unless a flag turns it on. */
  args?: string[];
  env?: Record<string, string>;
  /** A kubeconfig other than the admin one (e.g. the chart ServiceAccount's token). */
  kubeconfig?: string;
  label?: string;
}

/** Starts the operator against the test cluster; resolves once its metrics server listens. */
export async function startOperator(options: OperatorOptions = {}): Promise<OperatorProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'petstore-operator-'));
  const logPath = path.join(dir, 'operator.log');
  registerLogFile(logPath, options.label ?? 'operator log');
  const log = createWriteStream(logPath);
  const args = [
    path.join(repoRoot, 'operator/src/main.ts'),
    '--metrics-bind-address=127.0.0.1:0',
    '--health-probe-bind-address=127.0.0.1:0',
    ...(options.args?.some((arg) => arg.startsWith('--leader-elect')) ? [] : ['--leader-elect=false']),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      KUBECONFIG: options.kubeconfig ?? cluster().kubeconfig,
      LOG_LEVEL: 'debug',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const metricsUrl = (await waitFor<string | undefined>(
    () => {
      if (child.exitCode !== null)
        throw new Error(`the operator exited with ${child.exitCode}: ${readFileSync(logPath, 'utf8').slice(-2000)}`);
      const line = readFileSync(logPath, 'utf8')
        .split('\n')
        .find((l) => l.includes('"serving /metrics"'));
      if (!line) return undefined;
      const { address } = JSON.parse(line) as { address: { address: string; port: number } };
      return `http://127.0.0.1:${address.port}/metrics`;
    },
    60_000,
    'the operator to serve /metrics',
  )) as string;
  const metrics = async () => {
    const text = await (await fetch(metricsUrl)).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return values;
  };
  return {
    child,
    logPath,
    metrics,
    async metric(name, labels = {}) {
      let sum = 0;
      for (const [series, value] of await metrics()) {
        if (series !== name && !series.startsWith(`${name}{`)) continue;
        if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += value;
      }
      return sum;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Requests the operator made that change something (rest_client_requests_total for POST, PUT, PATCH, DELETE). */
export async function writeRequests(operator: OperatorProcess): Promise<number> {
  let sum = 0;
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
    sum += await operator.metric('rest_client_requests_total', { method });
  return sum;
}
