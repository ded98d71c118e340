// `npm run bench -- operator`: the operator against the local cluster, each figure with a baseline from the same run.
//   convergence   N PetStores applied at once until all are Ready, against a plain script that server-side-applies the
//                 same child objects (same builders, same concurrency) and waits for the same Deployments to be Available
//   steady state  requests per minute with every PetStore Ready and nothing changing (target: zero writes)
//   memory        operator RSS with 1,000 PetStores in its caches (target ≤ 200 MiB)
//   latency       spec change → updated Deployment, p50/p99
// Sizes: BENCH_SIZES (default "100,500"), BENCH_MEMORY_SIZE (default 1000). Prints a Markdown table for docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { down, up } from '../../test/cluster/cluster.ts';
import { spawnOperator, writeRequests, type OperatorProcess } from '../../test/e2e/operator-process.ts';
import type { PetStore } from '../../operator/src/api/v1alpha1/petstore.ts';
import { fieldManager } from '../../operator/src/k8s/client.ts';
import { sqliteConnection } from '../../operator/src/spec/database-connection.ts';
import { desiredObjects } from '../../operator/src/controller/desired-objects.ts';
import { builtinDefaults } from '../../operator/src/spec/operator-defaults.ts';
import { resolveSpec } from '../../operator/src/spec/resolved-spec.ts';

const root = path.resolve(import.meta.dirname, '../..');
const sizes = (process.env.BENCH_SIZES ?? '100,500').split(',').map(Number);
const memorySize = Number(process.env.BENCH_MEMORY_SIZE ?? '1000');
const concurrency = 2;
const runDir = mkdtempSync(path.join(tmpdir(), 'petstore-cluster-bench-'));
const say = (message: string) => process.stderr.write(`[bench operator] ${message}\n`);

const cluster = await up({ runDir, ownerPid: process.pid, log: say });
const kubectlBinary = cluster.binaries?.kubectl ?? 'kubectl';
const kubectl = async (args: string[], input?: string) => {
  const child = execFile(kubectlBinary, ['--kubeconfig', cluster.kubeconfig, ...args], { maxBuffer: 256 * 2 ** 20 });
  if (input !== undefined) child.stdin?.end(input);
  const [stdout] = await new Promise<[string]>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve([out]) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}`)),
    );
  });
  return stdout;
};
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(cluster.kubeconfig);
const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

await kubectl(['apply', '--server-side', '-f', path.join(root, 'crds')]);
await kubectl(['wait', '--for=condition=Established', 'crd/petstores.petstore.example.com']);

const manifests = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: s${i} }\nspec: {}\n`,
  ).join('---\n');

async function namespace(name: string): Promise<string> {
  await kubectl(['create', 'namespace', name]);
  await waitUntil(
    async () => (await kubectl(['-n', name, 'get', 'serviceaccount', 'default', '-o', 'name'])).length > 0,
    30_000,
  );
  return name;
}
async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(intervalMs);
  }
}
/** How many `resource` objects in `ns` have a `field` (a jsonpath) for which `matches` holds. */
async function count(
  ns: string,
  resource: string,
  field: string,
  matches: (value: string) => boolean,
): Promise<number> {
  const out = await kubectl(['-n', ns, 'get', resource, '-o', `jsonpath={range .items[*]}{${field}}{"\\n"}{end}`]);
  return out.split('\n').filter(matches).length;
}
const countReady = (ns: string) =>
  count(ns, 'petstores', '.status.conditions[?(@.type=="Ready")].status', (v) => v === 'True');
const countReconciled = (ns: string) => count(ns, 'petstores', '.status.observedGeneration', (v) => v !== '');
const countAvailable = (ns: string) => count(ns, 'deployments', '.status.availableReplicas', (v) => v === '1');

async function startOperator(ns: string): Promise<OperatorProcess> {
  return spawnOperator({
    kubeconfig: cluster.kubeconfig,
    logPath: path.join(runDir, `operator-${ns}.log`),
    args: [`--namespaces=${ns}`, `--concurrency=${concurrency}`],
    env: { LOG_LEVEL: 'info' },
  });
}
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The baseline: the operator's own builders' children for N PetStores, server-side-applied with the same concurrency. */
async function baseline(n: number): Promise<number> {
  const ns = await namespace(`bench-baseline-${n}`);
  const started = Date.now();
  const queue = Array.from({ length: n }, (_, i) => i);
  const worker = async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const petStore: PetStore = {
        apiVersion: 'petstore.example.com/v1alpha1',
        kind: 'PetStore',
        metadata: { name: `s${i}`, namespace: ns, uid: '00000000-0000-0000-0000-000000000000' },
        spec: {},
      };
      const spec = resolveSpec(petStore, builtinDefaults);
      const inputs = {
        petStore,
        spec,
        connection: sqliteConnection,
        generatedApiKey: `bench-api-key-${i}-0123456789abcdef`,
      };
      // The PetStore's own children; the namespace's shared quota objects are not part of the baseline.
      for (const object of desiredObjects(inputs, { namespace: ns, members: [] })) {
        // No owner: nothing would garbage-collect these; the namespace goes at the end.
        const withoutOwner: KubernetesObject = { ...object, metadata: { ...object.metadata, ownerReferences: [] } };
        await objects.patch(withoutOwner, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await waitUntil(async () => (await countAvailable(ns)) === n, 900_000, 1000);
  const elapsed = Date.now() - started;
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  return elapsed;
}

async function convergence(
  n: number,
): Promise<{ ms: number; steadyWrites: number; steadyRequests: number; rss: number; latency?: number[] }> {
  const ns = await namespace(`bench-operator-${n}`);
  const operator = await startOperator(ns);
  const started = Date.now();
  await kubectl(['-n', ns, 'apply', '--server-side', '-f', '-'], manifests(n));
  await waitUntil(async () => (await countReady(ns)) === n, 900_000, 1000);
  const ms = Date.now() - started;
  await sleep(5_000);
  const writesBefore = await writeRequests(operator);
  const requestsBefore = await operator.metric('rest_client_requests_total');
  await sleep(60_000);
  const result = {
    ms,
    steadyWrites: (await writeRequests(operator)) - writesBefore,
    steadyRequests: (await operator.metric('rest_client_requests_total')) - requestsBefore,
    rss: rssMiB(operator.child.pid ?? 0),
  };
  await operator.stop();
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  return result;
}

/** Spec change → Deployment's pod template updated, measured on `samples` PetStores one after another. */
async function latency(samples: number): Promise<number[]> {
  const ns = await namespace('bench-latency');
  const operator = await startOperator(ns);
  await kubectl(['-n', ns, 'apply', '--server-side', '-f', '-'], manifests(samples));
  await waitUntil(async () => (await countReady(ns)) === samples, 300_000, 1000);
  const checksum = async (name: string) =>
    (
      (await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns } })) as {
        spec: { template: { metadata: { annotations: Record<string, string> } } };
      }
    ).spec.template.metadata.annotations['petstore.example.com/config-checksum'];
  const results: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = await checksum(`s${i}`);
    const started = performance.now();
    await kubectl([
      '-n',
      ns,
      'patch',
      `petstore/s${i}`,
      '--type=merge',
      '-p',
      '{"spec":{"config":{"logLevel":"warn"}}}',
    ]);
    await waitUntil(async () => (await checksum(`s${i}`)) !== before, 30_000, 10);
    results.push(performance.now() - started);
  }
  await operator.stop();
  return results.sort((a, b) => a - b);
}

/**
 * RSS and V8 heap in use once every PetStore has been reconciled (status written, so every child is in the caches).
 * Pods becoming Ready is left out: with 1,000 Deployments that is the simulated cluster's work, not the operator's.
 */
async function memory(n: number): Promise<{ rss: number; heapUsed: number }> {
  const ns = await namespace(`bench-memory-${n}`);
  const operator = await startOperator(ns);
  await kubectl(['-n', ns, 'apply', '--server-side', '-f', '-'], manifests(n));
  await waitUntil(async () => (await countReconciled(ns)) === n, 1_800_000, 2000);
  await sleep(15_000);
  const heapUsed = (await operator.metric('nodejs_heap_size_used_bytes')) / 2 ** 20;
  const rss = rssMiB(operator.child.pid ?? 0);
  await operator.stop();
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  return { rss, heapUsed };
}

try {
  const rows: string[] = [];
  for (const n of sizes) {
    say(`baseline: ${n} PetStores' children applied directly`);
    const base = await baseline(n);
    say(`operator: ${n} PetStores`);
    const op = await convergence(n);
    rows.push(
      `| ${n} | ${seconds(op.ms)} s | ${seconds(base)} s | ${(op.ms / base).toFixed(2)}× | ${op.steadyWrites} | ${op.steadyRequests} | ${op.rss.toFixed(0)} MiB |`,
    );
  }
  say(`so far:\n${rows.join('\n')}`);
  say('latency: 20 spec changes');
  const lat = await latency(20);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
  say(`memory: ${memorySize} PetStores`);
  say(`latency p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms`);
  const { rss, heapUsed } = await memory(memorySize);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  process.stdout.write(`
Machine: ${machine}. Concurrency ${concurrency} (operator and baseline). The cluster is the local one (kwok pods).

| PetStores | operator: all Ready | baseline: same children applied, all Available | ratio | writes in 60 s at steady state | requests in 60 s at steady state | operator RSS |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Spec change → updated Deployment (20 samples): p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms.
Operator with ${memorySize} reconciled PetStores (and their children) in its caches: RSS ${rss.toFixed(0)} MiB, V8 heap in use ${heapUsed.toFixed(0)} MiB.
`);
} finally {
  await down(runDir);
}
