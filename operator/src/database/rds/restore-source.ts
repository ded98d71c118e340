import type { ResolvedSpec } from '../../spec/resolved-spec.ts';

/** Where a new instance's data comes from (spec.database.rds.restoreFrom). */
export type RestoreSource =
  | { kind: 'snapshot'; snapshotIdentifier: string }
  | { kind: 'pointInTime'; sourceInstanceIdentifier: string; time?: Date };

/** The spec's restore source, or undefined for an empty database. */
export function restoreSource(spec: ResolvedSpec): RestoreSource | undefined {
  const from = spec.database.rds.restoreFrom;
  if (!from) return undefined;
  if (from.snapshotIdentifier !== undefined) return { kind: 'snapshot', snapshotIdentifier: from.snapshotIdentifier };
  if (from.pointInTime) {
    const { sourceInstanceIdentifier, time } = from.pointInTime;
    return { kind: 'pointInTime', sourceInstanceIdentifier, ...(time !== undefined ? { time: new Date(time) } : {}) };
  }
  return undefined;
}

/** How the status and the instance's restored-from tag name the source: `snapshot <id>`, `<instance> at <time>`. */
export function describeRestoreSource(source: RestoreSource): string {
  if (source.kind === 'snapshot') return `snapshot ${source.snapshotIdentifier}`;
  return `${source.sourceInstanceIdentifier} at ${source.time ? source.time.toISOString() : 'latest restorable time'}`;
}
