// The backup and restore of an external PostgreSQL database as docs/runbook.md ("External databases: backup and restore
// (pg_dump)") writes them, run against the test PostgreSQL server: the backup CronJob's script from
// examples/external.yaml, the restore Job's script from the runbook, then the migration command the operator's Job
// runs. Nothing written before the backup is lost, and the API writes again afterwards.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import { findBinDir } from './postgres/local-server.ts';
import { startTestApi, type TestApi } from './support/api.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/databases.ts';
import { spawnApi } from './support/process.ts';

const execFile = promisify(execFileCallback);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const migrate = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: any; // read through the paths below
}

const example = parseAllDocuments(readFileSync(path.join(repoRoot, 'examples/external.yaml'), 'utf8')).map(
  (doc) => doc.toJS() as Manifest,
);
const ofKind = (kind: string) => {
  const found = example.find((m) => m.kind === kind);
  if (!found) throw new Error(`examples/external.yaml has no ${kind}`);
  return found;
};
const secretName: string = ofKind('PetStore').spec.database.external.secretName;
const backupTemplate: PodTemplate = ofKind('CronJob').spec.jobTemplate.spec.template;
const claimName = ofKind('PersistentVolumeClaim').metadata.name;

/** The runbook's restore Job's pod template: the YAML block of its pg_dump section. */
function restoreTemplate(): PodTemplate {
  const runbook = readFileSync(path.join(repoRoot, 'docs/runbook.md'), 'utf8');
  const start = runbook.indexOf('### External databases: backup and restore (pg_dump)');
  const end = runbook.indexOf('\n## ', start);
  const section = runbook.slice(start, end);
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (start < 0 || !block) throw new Error('docs/runbook.md has no pg_dump section with a restore Job');
  const job = parse(block.replaceAll(/^ {3}/gm, '')) as Manifest;
  expect(job.kind).toBe('Job');
  return job.spec.template as PodTemplate;
}

/**
 * Runs a pod's only container the way the kubelet would, but here: its shell script, with its literal environment, the
 * PetStore's Secret as `secret`, and each volume's mount path replaced by the host directory `volumes` names for it.
 */
async function runContainer(pod: PodSpec, secret: Record<string, string>, volumes: Record<string, string>) {
  const [container] = pod.containers;
  expect(pod.containers).toHaveLength(1);
  expect(container?.command).toEqual(['/bin/sh', '-c']);
  expect(container?.args).toHaveLength(1);
  const hostPath = (value: string) =>
    (container?.volumeMounts ?? []).reduce((v, { name, mountPath }) => {
      const dir = volumes[name];
      return dir !== undefined && v.startsWith(mountPath) ? dir + v.slice(mountPath.length) : v;
    }, value);
  const env: Record<string, string> = {};
  for (const { name, value, valueFrom } of container?.env ?? []) {
    if (valueFrom) {
      expect(valueFrom.secretKeyRef?.name).toBe(secretName);
      env[name] = secret[valueFrom.secretKeyRef?.key ?? ''] ?? '';
    } else env[name] = hostPath(value ?? '');
  }
  const PATH = [clientBinDir(), process.env.PATH].filter(Boolean).join(path.delimiter);
  try {
    const { stdout, stderr } = await execFile('/bin/sh', ['-c', container?.args?.[0] ?? ''], { env: { PATH, ...env } });
    return stdout + stderr;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the script failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

/**
 * The local server's own pg_dump and pg_restore when it runs from the machine's binaries (pg_dump refuses a server newer
 * than itself); else whichever are on PATH.
 */
function clientBinDir(): string | undefined {
  try {
    return findBinDir();
  } catch {
    return undefined;
  }
}

const onServer = (sql: string) => adminQuery(sql);

describe('the backup and restore pods', () => {
  it.each([
    ['backup CronJob (examples/external.yaml)', () => backupTemplate],
    ['restore Job (docs/runbook.md)', restoreTemplate],
  ])('the %s: restricted, isolated, and the URL only from the PetStore Secret', (_, template) => {
    const { metadata, spec } = template();
    const { automountServiceAccountToken, securityContext, containers, volumes } = spec;
    expect(metadata.labels).toMatchObject(ofKind('NetworkPolicy').spec.podSelector.matchLabels);
    expect(automountServiceAccountToken).toBe(false);
    expect(securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const container of containers) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
        name: secretName,
        key: 'DATABASE_URL',
      });
      expect(JSON.stringify(container)).not.toMatch(/postgres(ql)?:\/\//);
    }
    expect(volumes).toEqual([{ name: 'backups', persistentVolumeClaim: expect.objectContaining({ claimName }) }]);
  });
});

describe('a pg_dump backup of an external database, restored as the runbook says', () => {
  let database: TestDatabase;
  let backups: string;
  let api: TestApi | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    backups = mkdtempSync(path.join(tmpdir(), 'petstore-backups-'));
  });
  afterAll(async () => {
    await api?.close();
    await database.drop();
    rmSync(backups, { recursive: true, force: true });
  });

  it('serves exactly the rows written before the backup, and writes again', async () => {
    if (database.config.engine !== 'postgres') throw new Error('expected a PostgreSQL database');
    // The Secret's URL carries a password (the local server trusts loopback and ignores it): none may be printed.
    const url = new URL(database.config.url);
    url.password ||= 's3cr3t-backup-pw';
    const secret = { DATABASE_URL: url.href };
    const config = { engine: 'postgres', url: url.href } as const;
    const volumes = { backups };

    // Before the backup: pets (one changed, one deleted), an order and a user.
    api = await startTestApi('postgres', { database: config });
    const write = async (method: string, urlPath: string, json?: object) => {
      const response = await api!.request(method, urlPath, { json });
      expect(response.status).toBeLessThan(300);
      return response.body;
    };
    const rex = await write('POST', '/pets', {
      name: 'Rex',
      category: { id: 1, name: 'Dogs' },
      photoUrls: ['https://img.example/rex.jpg'],
      tags: [{ id: 1, name: 'dog' }, { name: 'good boy' }],
      status: 'available',
    });
    const tom = await write('POST', '/pets', { name: 'Tom', photoUrls: [], status: 'pending' });
    const gone = await write('POST', '/pets', { name: 'Gone', photoUrls: [] });
    await write('PUT', `/pets/${tom.id}`, {
      name: 'Tom II',
      category: { name: 'Cats' },
      photoUrls: [],
      status: 'sold',
    });
    await write('DELETE', `/pets/${gone.id}`);
    const order = await write('POST', '/store/orders', { petId: rex.id, quantity: 2 });
    await write('POST', '/users', { username: 'ann', firstName: 'Ann', password: 'correct horse' });
    const served = async () => {
      const pets = await api!.request('GET', '/pets');
      expect(pets.headers.get('Link')).toBeNull(); // one page holds them all
      return {
        pets: pets.body,
        etags: await Promise.all(
          (pets.body as { id: number }[]).map(async ({ id }) =>
            (await api!.request('GET', `/pets/${id}`)).headers.get('ETag'),
          ),
        ),
        order: (await api!.request('GET', `/store/orders/${order.id}`)).body,
        user: (await api!.request('GET', '/users/ann')).body,
        inventory: (await api!.request('GET', '/store/inventory')).body,
      };
    };
    const before = await served();
    expect(before.pets.map((p: { name: string }) => p.name)).toEqual(['Rex', 'Tom II']);
    expect(before.etags).toEqual(['"1"', '"2"']);

    // The backup CronJob's script.
    const backupOutput = await runContainer(backupTemplate.spec, secret, volumes);
    const dump = /^backup written: (\S+) \((\d+) bytes\)$/m.exec(backupOutput);
    expect(dump?.[1]).toMatch(new RegExp(`^${backups}/petstore-\\d{8}T\\d{6}Z\\.dump$`));
    expect(Number(dump?.[2])).toBeGreaterThan(0);

    // After the backup: more pets, an order, a user, and a change to a pet that was backed up.
    const late = await write('POST', '/pets', { name: 'Late', photoUrls: [] });
    await write('POST', '/store/orders', { petId: late.id });
    await write('POST', '/users', { username: 'late', password: 'password1' });
    await write('PUT', `/pets/${rex.id}`, { name: 'Rex renamed', photoUrls: [] });
    await api.close();
    api = undefined;

    // The loss: the database dropped and created again, empty. Then the runbook's restore Job's script.
    const name = url.pathname.slice(1);
    await onServer(`DROP DATABASE ${name} WITH (FORCE)`);
    await onServer(`CREATE DATABASE ${name}`);
    const restoreOutput = await runContainer(restoreTemplate().spec, secret, volumes);
    expect(restoreOutput).toContain(`restored ${dump?.[1]}`);

    // The operator's migration Job: the restored schema is already up to date.
    const migration = spawnApi([process.execPath, migrate], secret);
    expect(await migration.exited).toBe(0);
    expect(migration.lines).toContainEqual(expect.objectContaining({ msg: 'the schema is up to date' }));
    for (const output of [backupOutput, restoreOutput, migration.output()])
      expect(output).not.toContain(decodeURIComponent(url.password));

    // Exactly what was served before the backup; what came after is gone.
    api = await startTestApi('postgres', { database: config });
    expect(await served()).toEqual(before);
    expect((await api.request('GET', `/pets/${late.id}`)).status).toBe(404);
    expect((await api.request('GET', `/pets/${gone.id}`)).status).toBe(404);
    expect((await api.request('GET', '/users/late')).status).toBe(404);

    // The sequences came back too: new rows get new ids, and the restored user's name is still taken.
    const next = await write('POST', '/pets', { name: 'After restore', photoUrls: [] });
    expect(next.id).toBeGreaterThan(Math.max(...before.pets.map((p: { id: number }) => p.id), gone.id));
    expect((await write('POST', '/store/orders', { petId: next.id })).id).toBeGreaterThan(order.id);
    expect((await api.request('POST', '/users', { json: { username: 'ann', password: 'password1' } })).status).toBe(
      409,
    );
    expect((await write('POST', '/users', { username: 'bob', password: 'password1' })).username).toBe('bob');
  });
});
