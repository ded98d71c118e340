// `npm run bench -- operator`: the operator against the local cluster, each figure with a baseline from the same run.
//   convergence   N PetStores applied at once until all are Ready, against a plain script that server-side-applies
//                 the same child objects (same builders, same concurrency) and waits for the Deployments to be Available
//   steady state  requests per minute with every PetStore Ready and nothing changing (target: zero writes)
//   latency       spec change → updated Deployment, p50/p99
//   memory        1,000 PetStores under the chart's memory limit: peak working set, OOM kills, convergence, and what
//                 the V8 heap holds (a heap snapshot by type)
// The operator runs as the chart deploys it: the bundle the image runs (scripts/build-operator.ts), the chart's
// NODE_OPTIONS and runtime settings, inside a cgroup v1 memory limit equal to the chart's resources.limits.memory
// (needs root), from a private copy of node whose code pages are charged to that cgroup, as in a container.
// Sizes: BENCH_SIZES (default "100,500"; empty: the memory phase alone), BENCH_MEMORY_SIZE (default 1000).
// BENCH_MEMORY_LIMIT overrides the limit (e.g. 256M; "none": no cgroup, for machines without root or cgroup v1).
// Prints a Markdown table for docs/benchmarks.md.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { V1Deployment } from '@kubernetes/client-node';
import { buildOperator } from '../../scripts/build-operator.ts';
import { only, renderChart } from '../../test/chart/chart.ts';
import { down, up } from '../../test/cluster/cluster.ts';
import { spawnOperator, writeRequests, type OperatorProcess } from '../../test/e2e/operator-process.ts';
import type { PetStore } from '../../operator/src/api/v1alpha1/petstore.ts';
import { fieldManager } from '../../operator/src/k8s/client.ts';
import { sqliteConnection } from '../../operator/src/spec/database-connection.ts';
import { desiredObjects } from '../../operator/src/controller/desired-objects.ts';
import { builtinDefaults } from '../../operator/src/spec/operator-defaults.ts';
import { resolveSpec } from '../../operator/src/spec/resolved-spec.ts';
import { MemoryCgroup, parseMemory, type MemoryReading } from './cgroup.ts';
import { summarizeHeapSnapshot, type HeapGroup } from './heap-snapshot.ts';

const root = path.resolve(import.meta.dirname, '../..');
const sizes = (process.env.BENCH_SIZES ?? '100,500')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
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
const countAvailable = (ns: string) => count(ns, 'deployments', '.status.availableReplicas', (v) => v === '1');

/** How the chart runs the operator: its container's memory limit, and NODE_OPTIONS and the other runtime settings. */
function chartContainer(): { memoryLimit: string; nodeOptions: string; env: Record<string, string> } {
  const container = (only(renderChart(), 'Deployment') as V1Deployment).spec!.template.spec!.containers[0]!;
  const runtimeSettings = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'UV_THREADPOOL_SIZE'];
  const env = Object.fromEntries(
    (container.env ?? []).filter((e) => runtimeSettings.includes(e.name)).map((e) => [e.name, e.value ?? '']),
  );
  return {
    memoryLimit: container.resources?.limits?.memory ?? '',
    nodeOptions: env.NODE_OPTIONS ?? '',
    env,
  };
}
const deployed = chartContainer();
const memoryLimit = process.env.BENCH_MEMORY_LIMIT ?? deployed.memoryLimit;
const limitBytes = memoryLimit === 'none' || memoryLimit === '' ? undefined : parseMemory(memoryLimit);
const bundle = await buildOperator();

/**
 * A private copy of node and of the bundle, dropped from the page cache, for an operator under a limit: as in a
 * container, which reads its image's files itself, the pages of node's code it touches are then charged to its own
 * cgroup and count in its working set (with the benchmark's own node they are charged to whoever read them first).
 */
function privateCopy(ns: string): { node: string; entry: string } {
  const dir = path.join(runDir, `image-${ns}`);
  const node = path.join(dir, 'node');
  const bundleDir = path.join(dir, 'operator/dist/bundle');
  mkdirSync(bundleDir, { recursive: true });
  cpSync(process.execPath, node);
  cpSync(path.dirname(bundle), bundleDir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const files = [node, ...readdirSync(bundleDir).map((f) => path.join(bundleDir, f))];
  // Written pages must reach the disk before they can be dropped; dd's iflag=nocache with count=0 drops a whole file.
  execFileSync('sync', files);
  for (const file of files) execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
  return { node, entry: path.join(bundleDir, path.basename(bundle)) };
}

/** The operator as deployed, with the cgroup it runs in (when limited) and the peak of its working set. */
interface DeployedOperator extends OperatorProcess {
  readonly cgroup: MemoryCgroup | undefined;
  /** The highest working set and anonymous memory seen, sampled every 200 ms, and the cgroup's counters now. */
  memory(): { peakWorkingSet: number; peakAnonymous: number; now: MemoryReading } | undefined;
  /** Exited (or was killed): how. */
  readonly ended: string | undefined;
}

async function startOperator(ns: string): Promise<DeployedOperator> {
  const cgroup = limitBytes === undefined ? undefined : MemoryCgroup.create(`petstore-bench-${ns}`, limitBytes);
  const image = cgroup ? privateCopy(ns) : { node: process.execPath, entry: bundle };
  const operator = await spawnOperator({
    kubeconfig: cluster.kubeconfig,
    logPath: path.join(runDir, `operator-${ns}.log`),
    args: [`--namespaces=${ns}`, `--concurrency=${concurrency}`],
    entry: image.entry,
    // SIGUSR2 writes a heap snapshot into the run directory (the memory phase raises the limit first).
    nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${runDir}`],
    env: { LOG_LEVEL: 'info', NODE_ENV: 'production', ...deployed.env },
    ...(cgroup ? { wrap: ([, ...args]: string[]) => cgroup.wrap([image.node, ...args]) } : {}),
  });
  let peakWorkingSet = 0;
  let peakAnonymous = 0;
  const sampler = setInterval(() => {
    if (!cgroup) return;
    const reading = cgroup.read();
    peakWorkingSet = Math.max(peakWorkingSet, reading.workingSet);
    peakAnonymous = Math.max(peakAnonymous, reading.anonymous);
  }, 200);
  operator.child.once('exit', () => clearInterval(sampler));
  const cleanUp = () => {
    clearInterval(sampler);
    cgroup?.remove();
  };
  return {
    ...operator,
    cgroup,
    memory: () => (cgroup ? { peakWorkingSet, peakAnonymous, now: cgroup.read() } : undefined),
    get ended() {
      const { exitCode, signalCode } = operator.child;
      return signalCode !== null ? `killed by ${signalCode}` : exitCode !== null ? `exited ${exitCode}` : undefined;
    },
    async stop() {
      const code = await operator.stop();
      cleanUp();
      return code;
    },
    async kill() {
      await operator.kill();
      cleanUp();
    },
  };
}
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

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
): Promise<{ ms: number; steadyWrites: number; steadyRequests: number; memory: number }> {
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
    // Under a limit, the cgroup's peak working set (what the limit applies to); without one, RSS now.
    memory: operator.memory()?.peakWorkingSet ?? rss(operator.child.pid ?? 0),
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

interface MemoryResult {
  /** Until every PetStore is Ready, or until the operator died. */
  ms: number;
  ready: number;
  ended: string | undefined;
  limited?: { peakWorkingSet: number; peakAnonymous: number; now: MemoryReading };
  heap?: { used: number; total: number; external: number; spaces: string };
  snapshot?: { total: number; groups: HeapGroup[] };
}

/**
 * N PetStores applied at once to an operator under the chart's memory limit, until every one is Ready (with 1,000
 * Deployments much of that is the simulated cluster's work) or the operator dies: the peak working set, OOM kills, the
 * V8 heap, then a heap snapshot by type (taken after raising the limit, since writing one needs memory of its own).
 */
async function memory(n: number): Promise<MemoryResult> {
  const ns = await namespace(`bench-memory-${n}`);
  const operator = await startOperator(ns);
  const started = Date.now();
  await kubectl(['-n', ns, 'apply', '--server-side', '-f', '-'], manifests(n));
  let ready = 0;
  await waitUntil(async () => operator.ended !== undefined || (ready = await countReady(ns)) === n, 3_600_000, 2000);
  const result: MemoryResult = { ms: Date.now() - started, ready, ended: operator.ended };
  if (operator.ended === undefined) {
    await sleep(15_000);
    const metrics = await operator.metrics();
    const space = (name: string) => metrics.get(`nodejs_heap_space_size_used_bytes{space="${name}"}`) ?? 0;
    result.heap = {
      used: metrics.get('nodejs_heap_size_used_bytes') ?? 0,
      total: metrics.get('nodejs_heap_size_total_bytes') ?? 0,
      external: metrics.get('nodejs_external_memory_bytes') ?? 0,
      spaces: ['old', 'new', 'code', 'large_object', 'trusted'].map((name) => `${name} ${mib(space(name))}`).join(', '),
    };
  }
  const limited = operator.memory();
  if (limited) result.limited = limited;
  if (operator.ended === undefined) {
    operator.cgroup?.setLimit(8 * 2 ** 30);
    const before = new Set(readdirSync(runDir));
    operator.child.kill('SIGUSR2');
    let file = '';
    // The snapshot is written synchronously: the file is complete once the operator answers again and it stopped growing.
    await waitUntil(async () => {
      file = readdirSync(runDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)) ?? '';
      if (file === '') return false;
      const size = statSync(path.join(runDir, file)).size;
      await operator.metric('nodejs_heap_size_used_bytes');
      await sleep(1000);
      return statSync(path.join(runDir, file)).size === size;
    }, 300_000);
    result.snapshot = summarizeHeapSnapshot(path.join(runDir, file));
  }
  await operator.stop();
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  return result;
}

function memoryReport(n: number, m: MemoryResult): string {
  const limit = limitBytes === undefined ? 'no limit' : `a ${memoryLimit} cgroup v1 memory limit`;
  const lines = [
    `Operator with ${n} PetStores under ${limit}, NODE_OPTIONS="${deployed.nodeOptions}":`,
    m.ended === undefined
      ? `- all Ready after ${seconds(m.ms)} s; the operator stayed up`
      : `- the operator ${m.ended} after ${seconds(m.ms)} s, with ${m.ready} of ${n} Ready`,
  ];
  if (m.limited) {
    const { peakWorkingSet, peakAnonymous, now } = m.limited;
    lines.push(
      `- peak working set ${mib(peakWorkingSet)} (anonymous ${mib(peakAnonymous)}); at the end ${mib(now.workingSet)}`,
      `- OOM kills ${now.oomKills}, memory.failcnt ${now.failcnt}`,
    );
  }
  if (m.heap) {
    lines.push(
      `- V8 heap in use ${mib(m.heap.used)} of ${mib(m.heap.total)} (${m.heap.spaces}); external ${mib(m.heap.external)}`,
    );
  }
  if (m.snapshot) {
    lines.push(
      `- heap snapshot, ${mib(m.snapshot.total)} live, by type (shallow sizes): ` +
        m.snapshot.groups
          .slice(0, 15)
          .map((g) => `${g.group} ${(g.bytes / 2 ** 20).toFixed(1)} MiB (${g.count})`)
          .join('; '),
    );
  }
  return lines.join('\n');
}

try {
  const rows: string[] = [];
  for (const n of sizes) {
    say(`baseline: ${n} PetStores' children applied directly`);
    const base = await baseline(n);
    say(`operator: ${n} PetStores`);
    const op = await convergence(n);
    rows.push(
      `| ${n} | ${seconds(op.ms)} s | ${seconds(base)} s | ${(op.ms / base).toFixed(2)}× | ${op.steadyWrites} | ${op.steadyRequests} | ${mib(op.memory)} |`,
    );
  }
  say(`so far:\n${rows.join('\n')}`);
  const lat = sizes.length > 0 ? (say('latency: 20 spec changes'), await latency(20)) : [];
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0;
  const latencyLine =
    lat.length > 0
      ? `Spec change → updated Deployment (20 samples): p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms.`
      : '';
  say(latencyLine);
  say(`memory: ${memorySize} PetStores`);
  const memoryResult = await memory(memorySize);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const memoryColumn = limitBytes === undefined ? 'operator RSS' : `operator peak working set (${memoryLimit} limit)`;
  process.stdout.write(`
Machine: ${machine}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}. Concurrency ${concurrency}
(operator and baseline). The cluster is the local one (kwok pods). The operator runs as the chart deploys it: the
bundle (from a private copy of node and of the bundle under a limit), NODE_OPTIONS="${deployed.nodeOptions}", ${limitBytes === undefined ? 'no memory limit' : `a ${memoryLimit} memory limit`}.

| PetStores | operator: all Ready | baseline: same children applied, all Available | ratio | writes in 60 s at steady state | requests in 60 s at steady state | ${memoryColumn} |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${latencyLine}

${memoryReport(memorySize, memoryResult)}
`);
} finally {
  await down(runDir);
}
