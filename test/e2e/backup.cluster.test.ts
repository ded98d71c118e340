// Backups and restore as specs, end to end with the operator process against moto: a PetStoreBackup becomes a DB
// snapshot, a new PetStore restores from it, a backup schedule makes backups and applies its retention, and deleting
// a PetStore or a Retain backup never deletes a snapshot (issue 15, items 1 and 2).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeDBSnapshotsCommand, RDSClient, type DBSnapshot } from '@aws-sdk/client-rds';
import { aws, awsEnv, kubectl, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';

const namespace = useNamespace();
let operator: OperatorProcess;
const clusterName = `e2e-${Math.random().toString(36).slice(2, 8)}`;
let rds: RDSClient;
const ns = () => namespace.name;
const apply = (yaml: string) => kubectl(['-n', ns(), 'apply', '--server-side', '-f', '-'], { input: yaml });
const getJson = async (...args: string[]): Promise<any> =>
  JSON.parse(await kubectl(['-n', ns(), 'get', '-o', 'json', ...args]));
const snapshot = async (id: string): Promise<DBSnapshot | undefined> => {
  try {
    return (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.[0];
  } catch (error) {
    if ((error as Error).name === 'DBSnapshotNotFoundFault' || /not found/i.test((error as Error).message)) {
      return undefined;
    }
    throw error;
  }
};
const tagsOf = (s: DBSnapshot | undefined) => Object.fromEntries((s?.TagList ?? []).map((t) => [t.Key, t.Value]));
const phaseOf = async (name: string): Promise<string | undefined> =>
  (await getJson(`petstorebackup/${name}`)).status?.phase;
const rdsPetStore = (name: string, extra = '') => `apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: ${name} }
spec:
  database: { engine: rds, rds: { deletionPolicy: Delete${extra} } }
  tags: { owner: pets-team, costCenter: cc-1234 }
`;
const backupOf = (
  name: string,
  petStore: string,
  policy = 'Retain',
  labels = '',
) => `apiVersion: petstore.example.com/v1alpha1
kind: PetStoreBackup
metadata: { name: ${name}${labels} }
spec: { petStoreName: ${petStore}, deletionPolicy: ${policy} }
`;
const completed = (name: string) =>
  waitFor(async () => (await phaseOf(name)) === 'Completed', 90_000, `PetStoreBackup ${name} Completed`, 1000);

beforeAll(async () => {
  await installCrd();
  const env = awsEnv();
  rds = new RDSClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
  });
  operator = await startOperator({
    args: [`--namespaces=${ns()}`],
    env: {
      ...env,
      RDS_DB_SUBNET_GROUP: aws().network.dbSubnetGroupName,
      RDS_SECURITY_GROUP_IDS: aws().network.securityGroupId,
      CLUSTER_NAME: clusterName,
      RDS_STATUS_POLL_INTERVAL: '2s',
    },
  });
  await apply(rdsPetStore('shop'));
  await kubectl(['-n', ns(), 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=120s']);
}, 180_000);
afterAll(async () => {
  await operator.stop();
  rds.destroy();
});

describe('PetStoreBackup', () => {
  let snapshotId: string;

  it('takes a DB snapshot of the PetStore’s instance, tagged for its namespace, and reports it', async () => {
    await apply(backupOf('shop-now', 'shop'));
    await completed('shop-now');
    const backup = await getJson('petstorebackup/shop-now');
    const instance = (await getJson('petstore/shop')).status.database.instanceIdentifier;
    snapshotId = backup.status.snapshotIdentifier;
    expect(snapshotId).toBe(`petstore-${ns()}-shop-now-${backup.metadata.uid}`);
    expect(backup.status).toMatchObject({
      phase: 'Completed',
      instanceIdentifier: instance,
      allocatedStorageGiB: 20,
      startedAt: expect.any(String),
      completedAt: expect.any(String),
      conditions: [expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Completed' })],
    });
    const made = await snapshot(snapshotId);
    expect(made?.DBInstanceIdentifier).toBe(instance);
    expect(tagsOf(made)).toMatchObject({
      'managed-by': 'petstore-operator',
      'petstore.example.com/cluster': clusterName,
      'petstore.example.com/namespace': ns(),
      'petstore.example.com/name': 'shop',
      'petstore.example.com/backup': `shop-now/${backup.metadata.uid}`,
    });
    const table = await kubectl(['-n', ns(), 'get', 'petstorebackups']);
    expect(table).toMatch(/NAME\s+PETSTORE\s+PHASE\s+SNAPSHOT\s+SIZE\s+AGE/);
    expect(table).toMatch(new RegExp(`shop-now\\s+shop\\s+Completed\\s+${snapshotId}\\s+20`));
    const events = await kubectl(['-n', ns(), 'get', 'events', '--field-selector', 'reason=BackupCompleted']);
    expect(events).toContain('shop-now');
  }, 120_000);

  it('restores a new PetStore from it (spec.database.rds.restoreFrom), which says so in its status', async () => {
    await apply(rdsPetStore('shop-copy', `, restoreFrom: { snapshotIdentifier: ${snapshotId} }`));
    await kubectl(['-n', ns(), 'wait', '--for=condition=Ready', 'petstore/shop-copy', '--timeout=120s']);
    const status = (await getJson('petstore/shop-copy')).status;
    expect(status.database.restoredFrom).toBe(`snapshot ${snapshotId}`);
    expect(status.database.instanceIdentifier).not.toBe(
      (await getJson('petstore/shop')).status.database.instanceIdentifier,
    );
  }, 150_000);

  it('fails a backup of a sqlite PetStore, saying how such a database is backed up', async () => {
    await apply(`apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: dev }
spec: {}
`);
    await apply(backupOf('dev-now', 'dev'));
    await waitFor(async () => (await phaseOf('dev-now')) === 'Failed', 60_000, 'dev-now Failed', 1000);
    expect((await getJson('petstorebackup/dev-now')).status.message).toBe(
      'PetStore dev uses the sqlite engine; PetStoreBackup takes RDS snapshots (an external database is backed up with pg_dump, docs/runbook.md)',
    );
  }, 90_000);

  it('keeps every snapshot when the PetStore is deleted, even with deletionPolicy Delete on the instance', async () => {
    await apply(backupOf('shop-delete-me', 'shop', 'Delete'));
    await completed('shop-delete-me');
    const deletable = (await getJson('petstorebackup/shop-delete-me')).status.snapshotIdentifier;
    await kubectl(['-n', ns(), 'delete', 'petstore/shop-copy', 'petstore/shop', '--timeout=120s']);
    expect((await snapshot(snapshotId))?.Status).toBe('available');
    expect((await snapshot(deletable))?.Status).toBe('available');
    // The backups outlive their PetStore: no owner reference.
    expect((await getJson('petstorebackup/shop-now')).metadata.ownerReferences).toBeUndefined();

    // Deleting a Delete backup deletes its snapshot; deleting a Retain backup keeps it.
    await kubectl(['-n', ns(), 'delete', 'petstorebackup/shop-delete-me', 'petstorebackup/shop-now', '--timeout=60s']);
    expect(await snapshot(deletable)).toBeUndefined();
    expect((await snapshot(snapshotId))?.Status).toBe('available');
  }, 180_000);
});

describe('spec.database.rds.backupSchedule', () => {
  it('takes the first backup once the database is ready, and deletes scheduled backups past keep with their snapshots', async () => {
    await apply(rdsPetStore('nightly', ', backupSchedule: { intervalHours: 24, keep: 1 }'));
    await kubectl(['-n', ns(), 'wait', '--for=condition=Ready', 'petstore/nightly', '--timeout=120s']);
    const scheduled = async () =>
      (await getJson('petstorebackups', '-l', 'petstore.example.com/scheduled-for=nightly')).items as any[];
    await waitFor(async () => (await scheduled()).length === 1, 60_000, 'the first scheduled backup', 1000);
    const first = (await scheduled())[0];
    expect(first.metadata.name).toMatch(/^nightly-\d{14}$/);
    expect(first.spec).toEqual({ petStoreName: 'nightly', deletionPolicy: 'Delete' });
    await completed(first.metadata.name);
    const firstSnapshot = (await getJson(`petstorebackup/${first.metadata.name}`)).status.snapshotIdentifier;

    // A day later the schedule takes the next one; here a second one with the schedule's label stands in for it.
    // Two completed with keep 1: the older goes, and its snapshot with it. A backup without the label is never counted.
    await apply(backupOf('mine', 'nightly'));
    await apply(
      backupOf('nightly-later', 'nightly', 'Delete', ', labels: { petstore.example.com/scheduled-for: nightly }'),
    );
    await completed('nightly-later');
    await waitFor(
      async () => (await scheduled()).map((b) => b.metadata.name).join() === 'nightly-later',
      60_000,
      'the older scheduled backup deleted',
      1000,
    );
    await waitFor(async () => (await snapshot(firstSnapshot)) === undefined, 30_000, 'its snapshot deleted', 1000);
    await completed('mine');
    expect(await phaseOf('mine')).toBe('Completed');
  }, 240_000);
});
