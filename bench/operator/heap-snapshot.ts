// What a V8 heap snapshot (.heapsnapshot, as --heapsnapshot-signal writes it) holds, by type: the shallow size of
// every node summed per node type, and for objects per constructor, largest first. What dominates, not who retains it.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  /** `string`, `code`, `closure`, `object Foo` (objects by constructor), … */
  readonly group: string;
  readonly bytes: number;
  readonly count: number;
}

/** The groups of a snapshot file, largest first, and the total shallow size. */
export function summarizeHeapSnapshot(file: string): { total: number; groups: HeapGroup[] } {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + typeAt]!] ?? 'unknown';
    const size = nodes[i + sizeAt]!;
    // Strings of every kind (sliced, concatenated) count as one; objects and arrays by constructor name.
    const group =
      type === 'object' || type === 'native'
        ? `${type} ${strings[nodes[i + nameAt]!] ?? '?'}`
        : type.includes('string')
          ? 'string'
          : type;
    const entry = groups.get(group) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    groups.set(group, entry);
    total += size;
  }
  return {
    total,
    groups: [...groups].map(([group, e]) => ({ group, ...e })).sort((a, b) => b.bytes - a.bytes),
  };
}
