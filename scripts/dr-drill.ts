// `npm run dr-drill`: the disaster-recovery drill as code (issue 15, item 4), against the local cluster and moto.
// PetStores with RDS databases and a backup schedule run until their first backups complete; the configuration is
// exported; then the disaster: the operator stops, the RDS instances are deleted without final snapshots and the
// namespace (every PetStore and PetStoreBackup object) is lost. The recovery, timed against the 1-hour RTO: a new
// namespace, the operator again, a restore plan (scripts/restore-plan.ts: the export plus the newest snapshot of each
// PetStore), applied; done when every PetStore is Ready on an instance restored from its snapshot.
//
//   npm run dr-drill                                  # starts its own local cluster (no real node), then stops it
//   npm run dr-drill -- --kubeconfig <file>           # uses that cluster; AWS_* must point at a local emulator
//
// Moto has no PostgreSQL behind RDS, so this proves the control path (snapshots, restore, Secrets, pods); the data
// path is api/test/backup-restore.test.ts on a real PostgreSQL. docs/runbook.md, 5.4, has the figures and what takes
// longer on AWS.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DeleteDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { parse, stringify } from 'yaml';
import { down, operatorRdsEnvironment, up } from '../test/cluster/cluster.ts';
import { awsEnvironment } from '../test/cluster/moto.ts';
import { newRunDir } from '../test/cluster/state.ts';
import { spawnOperator, type OperatorProcess } from '../test/e2e/operator-process.ts';
import { exportable } from './export-petstores.ts';
import { latestSnapshots, withRestoreFrom, type ExportedPetStore } from './restore-plan.ts';

interface PetStoreJson extends ExportedPetStore {
  status?: { database?: { instanceIdentifier?: string; restoredFrom?: string } };
}
interface BackupJson {
  metadata: { name: string };
  spec: { petStoreName: string };
  status?: { phase?: string };
}

const root = path.resolve(import.meta.dirname, '..');
const rtoSeconds = 3600;
const petStores = ['orders', 'catalog', 'checkout'];
const say = (message: string) => process.stdout.write(`[dr-drill] ${message}\n`);

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run dr-drill [-- --kubeconfig <file>]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const kubeconfigFlag = args.indexOf('--kubeconfig');
if (args.some((arg, i) => arg !== '--kubeconfig' && i !== kubeconfigFlag + 1))
  usage(`unknown option in ${args.join(' ')}`);
const externalKubeconfig = kubeconfigFlag >= 0 ? args[kubeconfigFlag + 1] : undefined;
if (kubeconfigFlag >= 0 && !externalKubeconfig) usage('--kubeconfig needs a file');

/** Operator logs, the export and the restore plan: kept after the drill. */
const runDir = mkdtempSync(path.join(tmpdir(), 'petstore-dr-drill-'));
let kubeconfig: string;
/** The local cluster this drill started (removed at the end), if it did. */
let clusterDir: string | undefined;
let kubectlBinary = 'kubectl';
let awsEnv: Record<string, string>;
let rdsEnv: Record<string, string>;
if (externalKubeconfig) {
  // Never against a real account: the drill deletes RDS instances.
  const endpoint = process.env.AWS_ENDPOINT_URL ?? '';
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint)) {
    usage('with --kubeconfig, AWS_ENDPOINT_URL must name a local AWS emulator (http://127.0.0.1:<port>)');
  }
  for (const name of ['RDS_DB_SUBNET_GROUP', 'RDS_SECURITY_GROUP_IDS', 'CLUSTER_NAME']) {
    if (!process.env[name]) usage(`with --kubeconfig, set ${name} (npm run -s cluster -- env prints them)`);
  }
  kubeconfig = externalKubeconfig;
  awsEnv = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('AWS_') && !!entry[1]),
  );
  rdsEnv = {
    RDS_DB_SUBNET_GROUP: process.env.RDS_DB_SUBNET_GROUP ?? '',
    RDS_SECURITY_GROUP_IDS: process.env.RDS_SECURITY_GROUP_IDS ?? '',
    CLUSTER_NAME: process.env.CLUSTER_NAME ?? '',
  };
} else {
  clusterDir = newRunDir();
  say(`starting a local cluster with moto in ${clusterDir}`);
  const cluster = await up({ runDir: clusterDir, ownerPid: process.pid, log: say });
  if (!cluster.moto) throw new Error('the local cluster started without moto');
  kubeconfig = cluster.kubeconfig;
  kubectlBinary = cluster.binaries?.kubectl ?? 'kubectl';
  awsEnv = awsEnvironment(cluster.moto);
  rdsEnv = operatorRdsEnvironment(cluster.moto);
}
const clusterName = rdsEnv.CLUSTER_NAME ?? '';
const namespace = `dr-drill-${Math.random().toString(36).slice(2, 7)}`;
const kubectl = async (...kubectlArgs: string[]) =>
  (
    await promisify(execFile)(kubectlBinary, ['--kubeconfig', kubeconfig, ...kubectlArgs], {
      maxBuffer: 64 * 1024 * 1024,
    })
  ).stdout;
const kubectlInput = (input: string, ...kubectlArgs: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = execFile(kubectlBinary, ['--kubeconfig', kubeconfig, ...kubectlArgs], (error, stdout, stderr) =>
      error ? reject(new Error(`kubectl ${kubectlArgs.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
const rds = new RDSClient({
  endpoint: awsEnv.AWS_ENDPOINT_URL,
  region: awsEnv.AWS_REGION ?? awsEnv.AWS_DEFAULT_REGION,
  credentials: { accessKeyId: awsEnv.AWS_ACCESS_KEY_ID ?? 'x', secretAccessKey: awsEnv.AWS_SECRET_ACCESS_KEY ?? 'x' },
});

let operator: OperatorProcess | undefined;
let operators = 0;
async function startOperator(): Promise<void> {
  operators++;
  operator = await spawnOperator({
    kubeconfig,
    logPath: path.join(runDir, `operator-${String(operators)}.log`),
    args: [`--namespaces=${namespace}`],
    env: { ...awsEnv, ...rdsEnv, RDS_STATUS_POLL_INTERVAL: '2s' },
  });
}
async function stopOperator(): Promise<void> {
  await operator?.stop();
  operator = undefined;
}

interface Step {
  name: string;
  seconds: number;
  recovery: boolean;
}
const steps: Step[] = [];
async function step<T>(name: string, recovery: boolean, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  steps.push({ name, seconds, recovery });
  say(`${recovery ? 'recovery' : 'setup   '} ${seconds.toFixed(1).padStart(6)} s  ${name}`);
  return result;
}
const getJson = async <T>(...kubectlArgs: string[]): Promise<T> =>
  JSON.parse(await kubectl('-n', namespace, 'get', '-o', 'json', ...kubectlArgs)) as T;
const list = async <T>(kind: string): Promise<T[]> => (await getJson<{ items: T[] }>(kind)).items;
const waitReady = () =>
  kubectl('-n', namespace, 'wait', '--for=condition=Ready', '--timeout=300s', ...petStores.map((n) => `petstore/${n}`));

let failed = false;
let disasterAt = 0;
/** The oldest data any restored PetStore got: the disaster's time minus its snapshot's (the RPO actually achieved). */
let dataAgeSeconds = 0;
try {
  await step('CRDs installed', false, async () => {
    await kubectl('apply', '--server-side', '--force-conflicts', '-f', path.join(root, 'crds'));
    await kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd/petstores.petstore.example.com');
    await kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd/petstorebackups.petstore.example.com');
  });
  await step('operator started', false, startOperator);
  await step(`${String(petStores.length)} rds PetStores Ready in namespace ${namespace}`, false, async () => {
    await kubectl('create', 'namespace', namespace);
    const manifests = petStores.map((name) => ({
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name, namespace },
      spec: {
        database: { engine: 'rds', rds: { deletionPolicy: 'Delete', backupSchedule: { intervalHours: 24, keep: 7 } } },
        tags: { owner: 'dr-drill', costCenter: 'cc-0000' },
      },
    }));
    await kubectlInput(
      stringify({ apiVersion: 'v1', kind: 'List', items: manifests }),
      'apply',
      '--server-side',
      '-f',
      '-',
    );
    await waitReady();
  });
  await step('the schedule’s first backup of each PetStore Completed', false, async () => {
    for (let attempt = 0; ; attempt++) {
      const backups = await list<BackupJson>('petstorebackups');
      const done = petStores.filter((name) =>
        backups.some((b) => b.spec.petStoreName === name && b.status?.phase === 'Completed'),
      );
      if (done.length === petStores.length) return;
      if (attempt > 120)
        throw new Error(`backups not completed: ${String(done.length)} of ${String(petStores.length)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
  const exportFile = path.join(runDir, 'petstores.yaml');
  await step('configuration exported (scripts/export-petstores.ts)', false, async () => {
    const items = (await list<PetStoreJson>('petstores')).map(exportable);
    writeFileSync(exportFile, stringify({ apiVersion: 'v1', kind: 'List', items }));
  });
  const lost = new Map<string, string>();
  await step(
    'DISASTER: operator gone, RDS instances deleted without final snapshots, namespace lost',
    false,
    async () => {
      for (const petStore of await list<PetStoreJson>('petstores')) {
        const id = petStore.status?.database?.instanceIdentifier;
        if (id) lost.set(petStore.metadata.name, id);
      }
      await stopOperator();
      for (const id of lost.values()) {
        await rds.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: id,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        );
      }
      // With no operator left to run finalizers, the cluster's state goes as in a lost cluster: objects and all.
      for (const kind of ['petstores', 'petstorebackups']) {
        for (const item of await list<BackupJson>(kind)) {
          await kubectl(
            '-n',
            namespace,
            'patch',
            kind,
            item.metadata.name,
            '--type=merge',
            '-p',
            '{"metadata":{"finalizers":null}}',
          );
        }
      }
      await kubectl('delete', 'namespace', namespace, '--timeout=120s');
    },
  );

  // The RTO clock runs from here: the decision to restore.
  disasterAt = Date.now();
  await step('namespace created again', true, () => kubectl('create', 'namespace', namespace));
  await step('operator installed again', true, startOperator);
  const planFile = path.join(runDir, 'restore.yaml');
  const plan = await step(
    'restore plan: the export plus each PetStore’s newest snapshot (scripts/restore-plan.ts)',
    true,
    async () => {
      const exported = parse(readFileSync(exportFile, 'utf8')) as { items: ExportedPetStore[] };
      const latest = await latestSnapshots(rds, clusterName);
      const ages = [...latest.values()].map((snapshot) => disasterAt - (snapshot.SnapshotCreateTime?.getTime() ?? 0));
      dataAgeSeconds = Math.max(0, ...ages) / 1000;
      const planned = withRestoreFrom(exported.items, latest);
      writeFileSync(planFile, stringify({ apiVersion: 'v1', kind: 'List', items: planned.items }));
      if (planned.skipped.length > 0) throw new Error(`no snapshot for: ${planned.skipped.join('; ')}`);
      return planned.items;
    },
  );
  await step('restore plan applied', true, () => kubectl('apply', '--server-side', '-f', planFile));
  await step('every PetStore Ready on an instance restored from its snapshot', true, async () => {
    await waitReady();
    for (const item of plan) {
      const { name } = item.metadata;
      const restoredFrom = (await getJson<PetStoreJson>(`petstore/${name}`)).status?.database?.restoredFrom;
      const expected = `snapshot ${item.spec?.database?.rds?.restoreFrom?.snapshotIdentifier ?? '?'}`;
      if (restoredFrom !== expected) {
        throw new Error(`${name}: restoredFrom is ${restoredFrom ?? 'unset'}, not ${expected}`);
      }
    }
  });
} catch (error) {
  failed = true;
  process.stderr.write(`[dr-drill] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(`[dr-drill] operator logs and manifests: ${runDir}\n`);
} finally {
  try {
    if (!operator) await startOperator();
    await kubectl('delete', 'namespace', namespace, '--ignore-not-found', '--timeout=120s');
  } catch {
    // best effort: the namespace goes with the cluster anyway
  }
  await stopOperator();
  rds.destroy();
  if (clusterDir) await down(clusterDir);
}

const recovery = steps.filter((s) => s.recovery).reduce((sum, s) => sum + s.seconds, 0);
process.stdout.write(
  `\n${steps.map((s) => `${s.recovery ? 'recovery' : 'setup   '}  ${s.seconds.toFixed(1).padStart(7)} s  ${s.name}`).join('\n')}\n`,
);
if (failed) {
  process.stdout.write('\nDR drill FAILED (see above)\n');
  process.exit(1);
}
process.stdout.write(
  `\nrecovery took ${recovery.toFixed(1)} s of the ${String(rtoSeconds)} s RTO here: every PetStore Ready on a restored ` +
    'instance. On AWS add the instance restores (10-20 min for 20 GiB) and DNS (docs/runbook.md, 5.4).\n' +
    `data restored was at most ${dataAgeSeconds.toFixed(1)} s old at the disaster (RPO: the schedule's intervalHours, 24 h here).\n`,
);
process.exit(recovery <= rtoSeconds ? 0 : 1);
