// Disaster recovery (issue 15): turns a configuration export (scripts/export-petstores.ts) into the manifests that
// restore it. Every rds PetStore gets spec.database.rds.restoreFrom.snapshotIdentifier: the newest available DB
// snapshot whose tags name it (managed-by=petstore-operator, petstore.example.com/cluster=$CLUSTER_NAME, its namespace
// and name): a PetStoreBackup's, a scheduled one, a final snapshot, or an automated one.
//
//   CLUSTER_NAME=pet-store-prod npm run -s restore-plan -- petstores.yaml > restore.yaml
//   kubectl apply --server-side -f restore.yaml            # on the new cluster, once the operator runs
//
// AWS credentials, region and endpoint come from the SDK's usual chain. PetStores without a snapshot, and those that
// adopt a named instance (restore those by hand under their identifier), are left as exported and listed on stderr.
import { readFileSync } from 'node:fs';
import { DescribeDBSnapshotsCommand, RDSClient, type DBSnapshot } from '@aws-sdk/client-rds';
import { parse, stringify } from 'yaml';

interface ExportedPetStore {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec?: {
    database?: {
      engine?: string;
      rds?: { instanceIdentifier?: string; restoreFrom?: { snapshotIdentifier?: string }; [field: string]: unknown };
    };
    [field: string]: unknown;
  };
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const tagsOf = (snapshot: DBSnapshot): Record<string, string | undefined> =>
  Object.fromEntries((snapshot.TagList ?? []).map((t) => [t.Key ?? '', t.Value]));

/** The newest available snapshot of each PetStore of `clusterName`, by `namespace/name`, manual and automated. */
export async function latestSnapshots(rds: RDSClient, clusterName: string): Promise<Map<string, DBSnapshot>> {
  const latest = new Map<string, DBSnapshot>();
  for (const type of ['manual', 'automated']) {
    let marker: string | undefined;
    do {
      const page = await rds.send(
        new DescribeDBSnapshotsCommand({ SnapshotType: type, MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }),
      );
      for (const snapshot of page.DBSnapshots ?? []) {
        const tags = tagsOf(snapshot);
        if (snapshot.Status !== 'available' || tags['managed-by'] !== 'petstore-operator') continue;
        if (tags['petstore.example.com/cluster'] !== clusterName) continue;
        const namespace = tags['petstore.example.com/namespace'];
        const name = tags['petstore.example.com/name'];
        if (!namespace || !name) continue;
        const before = latest.get(key(namespace, name));
        const time = (s: DBSnapshot | undefined) => s?.SnapshotCreateTime?.getTime() ?? 0;
        if (!before || time(snapshot) > time(before)) latest.set(key(namespace, name), snapshot);
      }
      marker = page.Marker;
    } while (marker);
  }
  return latest;
}

/** The export with restoreFrom set where a snapshot exists; `skipped` says which PetStores were left and why. */
export type { ExportedPetStore };

export function withRestoreFrom(
  items: ExportedPetStore[],
  latest: Map<string, DBSnapshot>,
): { items: ExportedPetStore[]; skipped: string[] } {
  const skipped: string[] = [];
  const planned = items.map((item) => {
    const { namespace, name } = item.metadata;
    const database = item.spec?.database;
    if (item.kind !== 'PetStore' || database?.engine !== 'rds') return item;
    if (database.rds?.instanceIdentifier !== undefined) {
      skipped.push(`${key(namespace, name)}: adopts instance ${database.rds.instanceIdentifier}; restore it by hand`);
      return item;
    }
    const snapshot = latest.get(key(namespace, name));
    if (!snapshot?.DBSnapshotIdentifier) {
      skipped.push(`${key(namespace, name)}: no available snapshot tagged for it; it starts with an empty database`);
      return item;
    }
    const rds = { ...database.rds, restoreFrom: { snapshotIdentifier: snapshot.DBSnapshotIdentifier } };
    return { ...item, spec: { ...item.spec, database: { ...database, rds } } };
  });
  return { items: planned, skipped };
}

if (import.meta.main) {
  const file = process.argv[2];
  const clusterName = process.env.CLUSTER_NAME;
  if (!file || !clusterName) {
    process.stderr.write('usage: CLUSTER_NAME=<the lost cluster> npm run -s restore-plan -- <export.yaml>\n');
    process.exit(2);
  }
  const exported = parse(readFileSync(file, 'utf8')) as { items?: ExportedPetStore[] };
  const rds = new RDSClient({});
  const plan = withRestoreFrom(exported.items ?? [], await latestSnapshots(rds, clusterName));
  rds.destroy();
  for (const line of plan.skipped) process.stderr.write(`restore-plan: ${line}\n`);
  process.stdout.write(
    `# restore plan from ${file} (cluster ${clusterName}), ${new Date().toISOString()}\n` +
      stringify({ apiVersion: 'v1', kind: 'List', items: plan.items }),
  );
}
