// The operator as a real process (`node operator/src/main.ts`), for tests, benchmarks and the quickstart: started
// with its log in a file, its metrics port read from that log. Free of jest, so scripts can use it too.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../cluster/wait.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface OperatorProcessOptions {
  kubeconfig: string;
  /** Where stdout and stderr go (appended). */
  logPath: string;
  /** Extra flags. Leader election is off and ports are chosen by the system unless a flag says otherwise. */
  args?: string[];
  env?: Record<string, string>;
  /** The script node runs; default operator/src/main.ts (the image runs the bundle of scripts/build-operator.ts). */
  entry?: string;
  /** Node.js flags before the script, e.g. --heapsnapshot-signal=SIGUSR2. */
  nodeArgs?: string[];
  /** Wraps the command line (e.g. to run it inside a cgroup); the wrapper must exec it, keeping the pid. */
  wrap?: (command: string[]) => string[];
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

/** Starts the operator; resolves once its metrics server listens, rejects (with the log's tail) if it exits first. */
export async function spawnOperator(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const flags = options.args ?? [];
  const args = [
    ...(options.nodeArgs ?? []),
    options.entry ?? path.join(repoRoot, 'operator/src/main.ts'),
    ...(flags.some((arg) => arg.startsWith('--metrics-bind-address')) ? [] : ['--metrics-bind-address=127.0.0.1:0']),
    ...(flags.some((arg) => arg.startsWith('--health-probe-bind-address'))
      ? []
      : ['--health-probe-bind-address=127.0.0.1:0']),
    ...(flags.some((arg) => arg.startsWith('--leader-elect')) ? [] : ['--leader-elect=false']),
    ...flags,
  ];
  const log = openSync(options.logPath, 'a');
  const [command, ...rest] = (options.wrap ?? ((c: string[]) => c))([process.execPath, ...args]) as [
    string,
    ...string[],
  ];
  const child = spawn(command, rest, {
    env: { ...process.env, KUBECONFIG: options.kubeconfig, ...options.env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const metricsUrl = (await waitFor<string | undefined>(
    () => {
      const text = readFileSync(options.logPath, 'utf8');
      if (child.exitCode !== null) throw new Error(`the operator exited with ${child.exitCode}: ${text.slice(-2000)}`);
      const line = text.split('\n').find((l) => l.includes('"serving /metrics"'));
      if (!line) return undefined;
      const { address } = JSON.parse(line) as { address: { port: number } };
      return `http://127.0.0.1:${address.port}/metrics`;
    },
    60_000,
    'the operator to serve /metrics',
    100,
  )) as string;
  const metrics = async () => {
    const values = new Map<string, number>();
    for (const line of (await (await fetch(metricsUrl)).text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return values;
  };
  return {
    child,
    logPath: options.logPath,
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
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
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
