// `npm run bench -- operator-pod`: the operator as a platform team runs it (issue 16, item 6), measured from the
// host. It starts a local cluster of its own with the real node (needs root, cgroup v1, and the machine's real-node
// lock: one real node per machine), installs the chart with helm at its defaults (two replicas, the memory limit, the
// runtime settings) from the image built from Dockerfile.operator, applies N PetStores (SQLite, defaults) to a
// namespace whose pods go to the kwok nodes, and waits until every one is Ready, or the timeout. Meanwhile it reads
// each operator container's memory cgroup on the host every 500 ms: working set (usage − inactive_file, as the
// kubelet computes it), anonymous memory, page cache, major faults (a steady climb means node's code pages are being
// evicted and read again), failcnt; at the end max_usage_in_bytes, the OOM kills of the pod's cgroup (which outlives
// a restarted container), restarts and the last termination from the pod's status, and `kubectl top`.
// The image's files are in the page cache after containerd imports them, charged to whoever read them first, as after
// a pull on a real node; BENCH_POD_COLD_PAGE_CACHE=1 drops them (the operator scaled to zero meanwhile), so the pods
// read node's code and the bundle themselves and those pages count in their working sets, as on a node whose page
// cache no longer holds the image. Two replicas on one node share those pages (each is charged to the pod that read it
// first); BENCH_POD_REPLICAS=1 leaves them all to one pod, as with replicas on different nodes. BENCH_POD_SIZE (default 1000), BENCH_POD_TIMEOUT_MINUTES (default 30). Prints a
// Markdown summary.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { down, up } from '../../test/cluster/cluster.ts';
import { realNodeNamespaceAnnotations } from '../../test/cluster/node-config.ts';
import { run } from '../../test/cluster/processes.ts';
import { ctr } from '../../test/cluster/real-node.ts';
import { MemoryCgroup, type MemoryReading } from './cgroup.ts';

const root = path.resolve(import.meta.dirname, '../..');
const size = Number(process.env.BENCH_POD_SIZE ?? '1000');
const timeoutMs = Number(process.env.BENCH_POD_TIMEOUT_MINUTES ?? '30') * 60_000;
const coldPageCache = process.env.BENCH_POD_COLD_PAGE_CACHE === '1';
const replicas = process.env.BENCH_POD_REPLICAS;
const runDir = mkdtempSync(path.join(tmpdir(), 'petstore-cluster-bench-pod-'));
const say = (message: string) => process.stderr.write(`[bench operator-pod] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const seconds = (ms: number) => (ms / 1000).toFixed(0);

const cluster = await up({ runDir, ownerPid: process.pid, realNode: true, log: say });
// Stopped by hand (it may wait up to the timeout): still take the cluster and the real node down.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: taking the cluster down`);
    void down(runDir).finally(() => process.exit(130));
  });
}
const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
const kubectl = (args: string[], input?: string) =>
  run(cluster.binaries?.kubectl ?? 'kubectl', args, { env, ...(input === undefined ? {} : { input }) });
const helm = (args: string[]) => run(cluster.binaries?.helm ?? 'helm', args, { env });

const system = 'petstore-system';
const apps = 'bench-pod';
const release = 'pso';

interface Pod {
  metadata: { name: string; uid: string };
  spec: { containers: { resources: { limits?: Record<string, string> }; env?: { name: string; value?: string }[] }[] };
  status: {
    containerStatuses?: {
      containerID?: string;
      restartCount: number;
      lastState?: { terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
}

const operatorPods = async (): Promise<Pod[]> =>
  (
    JSON.parse(
      await kubectl(['-n', system, 'get', 'pods', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json']),
    ) as { items: Pod[] }
  ).items.filter((pod) => !pod.metadata.name.includes('-test-'));

/** What the sampler knows of one operator pod: its running container's cgroup and the peaks seen in it. */
interface Sampled {
  containerId: string;
  cgroup: MemoryCgroup;
  peakWorkingSet: number;
  peakAnonymous: number;
  last: MemoryReading;
}
const sampled = new Map<string, Sampled>();

/** Finds each operator pod's running container and its memory cgroup on the host (a restart gives a new one). */
async function locateContainers(): Promise<void> {
  const pids = new Map(
    (await ctr(cluster.realNode!, ['tasks', 'list']))
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .map(([task, pid]) => [task ?? '', Number(pid)] as const),
  );
  for (const pod of await operatorPods()) {
    const containerId = pod.status.containerStatuses?.[0]?.containerID?.replace(/^containerd:\/\//, '') ?? '';
    const pid = pids.get(containerId);
    if (!pid || sampled.get(pod.metadata.name)?.containerId === containerId) continue;
    const cgroup = MemoryCgroup.of(pid);
    const last = cgroup.read();
    sampled.set(pod.metadata.name, { containerId, cgroup, peakWorkingSet: 0, peakAnonymous: 0, last });
  }
}

function sample(): void {
  for (const entry of sampled.values()) {
    try {
      entry.last = entry.cgroup.read();
    } catch {
      continue; // the container is gone; locateContainers finds its successor
    }
    entry.peakWorkingSet = Math.max(entry.peakWorkingSet, entry.last.workingSet);
    entry.peakAnonymous = Math.max(entry.peakAnonymous, entry.last.anonymous);
  }
}

/**
 * Scales the operator to zero, drops the files of every image snapshot on the node (over 64 KiB: node, its libraries,
 * the bundle) from the page cache, and scales it back: its pods then read them again, charged to their own cgroups.
 */
async function restartWithColdPageCache(): Promise<void> {
  const deployment = `deployment/${release}-petstore-operator`;
  const wanted = await kubectl(['-n', system, 'get', deployment, '-o', 'jsonpath={.spec.replicas}']);
  await kubectl(['-n', system, 'scale', deployment, '--replicas=0']);
  for (let i = 0; (await operatorPods()).length > 0; i++) {
    if (i > 120) throw new Error('the operator pods did not go');
    await sleep(1000);
  }
  const snapshots = path.join(cluster.realNode!.dir, 'containerd', 'root', 'io.containerd.snapshotter.v1.overlayfs');
  const files = execFileSync('find', [snapshots, '-type', 'f', '-size', '+64k'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  execFileSync('sync');
  for (const file of files) execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
  say(`dropped ${files.length} image files from the page cache`);
  await kubectl(['-n', system, 'scale', deployment, `--replicas=${wanted}`]);
  await kubectl(['-n', system, 'rollout', 'status', deployment, '--timeout=5m']);
  for (let i = 0; (await operatorPods()).length !== Number(wanted); i++) {
    if (i > 120) throw new Error('the operator pods did not come back');
    await sleep(1000);
  }
}

const countReady = async () =>
  (
    await kubectl([
      '-n',
      apps,
      'get',
      'petstores',
      '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ])
  )
    .split('\n')
    .filter((v) => v === 'True').length;

const manifests = Array.from(
  { length: size },
  (_, i) => `apiVersion: petstore.example.com/v1alpha1\nkind: PetStore\nmetadata: { name: s${i} }\nspec: {}\n`,
).join('---\n');

try {
  await kubectl(['apply', '--server-side', '-f', path.join(root, 'crds')]);
  await kubectl(['wait', '--for=condition=Established', 'crd/petstores.petstore.example.com']);
  // The operator's namespace puts its pods on the real node (admission, node-config.ts); the PetStores' on kwok's.
  await kubectl(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: system, annotations: realNodeNamespaceAnnotations },
    }),
  );
  await kubectl(['create', 'namespace', apps]);
  for (const ns of [system, apps]) {
    for (let i = 0; !(await kubectl(['-n', ns, 'get', 'serviceaccount', 'default']).catch(() => '')); i++) {
      if (i > 60) throw new Error(`no default ServiceAccount in ${ns}`);
      await sleep(500);
    }
  }
  const image = cluster.realNode!.images.operator.ref;
  say(`helm install of the chart at its defaults, image ${image}`);
  await helm([
    'install',
    release,
    path.join(root, 'charts', 'petstore-operator'),
    '--namespace',
    system,
    '--set',
    'crds.enabled=false',
    '--set-json',
    `watchNamespaces=${JSON.stringify([apps])}`,
    '--set',
    `image.repository=${image.slice(0, image.lastIndexOf(':'))}`,
    '--set',
    `image.tag=${image.slice(image.lastIndexOf(':') + 1)}`,
    '--set',
    `petstoreDefaults.apiImage=${cluster.realNode!.images.api.ref}`,
    ...(replicas === undefined ? [] : ['--set', `replicaCount=${replicas}`]),
    '--wait',
    '--timeout',
    '5m',
  ]);
  if (coldPageCache) await restartWithColdPageCache();
  const container = (await operatorPods())[0]!.spec.containers[0]!;
  const limit = container.resources.limits?.memory ?? '(none)';
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  await locateContainers();
  const sampler = setInterval(sample, 500);
  const idle = new Map([...sampled].map(([name, s]) => [name, s.last.workingSet]));

  say(`${size} PetStores applied`);
  const started = Date.now();
  await kubectl(['-n', apps, 'apply', '--server-side', '-f', '-'], manifests);
  let ready = 0;
  let lastLine = 0;
  while (ready < size && Date.now() - started < timeoutMs) {
    await sleep(5_000);
    await locateContainers().catch(() => undefined);
    ready = await countReady().catch(() => ready);
    if (Date.now() - lastLine >= 30_000 || ready === size) {
      lastLine = Date.now();
      const pods = [...sampled]
        .map(
          ([name, s]) =>
            `${name.slice(-5)}: ws ${mib(s.last.workingSet)} anon ${mib(s.last.anonymous)} cache ${mib(s.last.pageCache)} majflt ${s.last.majorFaults}`,
        )
        .join('; ');
      say(`${seconds(Date.now() - started)} s: ${ready} of ${size} Ready; ${pods}`);
    }
  }
  const convergedMs = Date.now() - started;
  const allReady = ready === size;
  // The steady state: every PetStore Ready, nothing changing.
  await sleep(30_000);
  await locateContainers().catch(() => undefined);
  sample();
  clearInterval(sampler);

  const holder = (
    JSON.parse(await kubectl(['-n', system, 'get', 'lease', `${release}-petstore-operator`, '-o', 'json'])) as {
      spec: { holderIdentity?: string };
    }
  ).spec.holderIdentity?.split('_')[0];
  const top = await kubectl(['-n', system, 'top', 'pods', '-l', `app.kubernetes.io/instance=${release}`]).catch(
    (error: unknown) => `(no metrics: ${String(error)})`,
  );
  const rows: string[] = [];
  for (const pod of await operatorPods()) {
    const s = sampled.get(pod.metadata.name);
    const status = pod.status.containerStatuses?.[0];
    const terminated = status?.lastState?.terminated;
    const podCgroup = s ? MemoryCgroup.at(path.dirname(s.cgroup.path)).read() : undefined;
    rows.push(
      `| ${pod.metadata.name} | ${pod.metadata.name === holder ? 'leader' : 'standby'} | ${status?.restartCount ?? '?'} | ` +
        `${terminated ? `${terminated.reason ?? ''} (${terminated.exitCode ?? ''})` : 'none'} | ` +
        (s
          ? `${mib(idle.get(pod.metadata.name) ?? 0)} | ${mib(s.peakWorkingSet)} (${mib(s.peakAnonymous)}) | ` +
            `${mib(s.last.workingSet)} / ${mib(s.last.anonymous)} / ${mib(s.last.pageCache)} | ${mib(s.last.maxUsage)} | ` +
            `${s.last.failcnt} | ${podCgroup?.oomKills ?? '?'} | ${s.last.majorFaults} |`
          : '(no cgroup found) | | | | | | |'),
    );
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  process.stdout.write(`
Machine: ${machine}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}.
The operator installed by helm at the chart's defaults${replicas === undefined ? '' : ` but ${replicas} replica(s)`} on the real node (image ${image}), memory limit ${limit},
NODE_OPTIONS="${nodeOptions}"${coldPageCache ? ", the image's files dropped from the page cache before the pods started" : ''}; ${size} PetStores (SQLite, defaults) applied at once, their pods on the kwok nodes:
${allReady ? `all Ready after ${seconds(convergedMs)} s` : `${ready} of ${size} Ready when the benchmark stopped waiting after ${seconds(convergedMs)} s`}.
Memory of each operator container, from its cgroup on the host (working set = usage − inactive_file; sampled every
500 ms; "at the end" is 30 s after the wait ended):

| pod | role | restarts | last termination | idle working set | peak working set (anonymous) | at the end: working set / anonymous / page cache | max usage (page cache included) | failcnt | OOM kills (pod cgroup) | major faults |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

kubectl top (metrics-server, from the kubelet):
${top}`);
  if (!allReady) process.exitCode = 1;
} finally {
  await down(runDir);
}
