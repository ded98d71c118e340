// values.schema.json and values.yaml describe the same keys, the schema refuses anything else, and helm enforces it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isMap, parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { chartDir, renderChart } from './chart.ts';

interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
}

const schema = JSON.parse(readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8')) as Schema;
const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;

/**
 * Values that are Kubernetes objects passed through unchanged (their schema is the API server's): the chart's schema
 * types them as objects and stops there.
 */
const kubernetesPassThrough = new Set([
  'affinity',
  'tolerations[]',
  'topologySpreadConstraints[]',
  'networkPolicy.metricsFrom[]',
  'extraEnv[].valueFrom',
]);

/** Dotted paths of every key in a values tree, descending into objects only (lists and maps are leaves). */
function valuePaths(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const here = `${prefix}${key}`;
    const isTree =
      value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
    return isTree && !isFreeMap(here) ? [here, ...valuePaths(value as Record<string, unknown>, `${here}.`)] : [here];
  });
}

/** Dotted paths of every declared property, the way valuePaths names them. */
function schemaPaths(node: Schema, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...schemaPaths(child, `${prefix}${key}.`),
  ]);
}

function schemaAt(dotted: string): Schema | undefined {
  return dotted.split('.').reduce<Schema | undefined>((node, key) => node?.properties?.[key], schema);
}

/** A map of free keys (annotations, labels, resource quantities): its schema types the values, not the keys. */
function isFreeMap(dotted: string): boolean {
  const node = schemaAt(dotted);
  return node !== undefined && node.properties === undefined && typeof node.additionalProperties === 'object';
}

/** Every schema node with its path; list items are `<path>[]`. */
function allNodes(node: Schema, at = ''): [string, Schema][] {
  const children = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    allNodes(child, at ? `${at}.${key}` : key),
  );
  const items = node.items ? allNodes(node.items, `${at}[]`) : [];
  return [[at, node], ...children, ...items];
}

describe('values.schema.json', () => {
  it('declares every key of values.yaml', () => {
    const declared = new Set(schemaPaths(schema));
    expect(valuePaths(values).filter((key) => !declared.has(key))).toEqual([]);
  });

  it('declares nothing values.yaml lacks, so every setting has a documented default', () => {
    const present = new Set(valuePaths(values));
    const mapsAndLeaves = schemaPaths(schema).filter((key) => !present.has(key));
    // A key may be absent only inside a map or list whose default is empty.
    expect(mapsAndLeaves).toEqual([]);
  });

  it('refuses unknown keys in every object it describes (additionalProperties: false)', () => {
    const open = allNodes(schema)
      .filter(([, node]) => node.type === 'object' && node.additionalProperties !== false)
      .filter(([, node]) => !(typeof node.additionalProperties === 'object' && node.properties === undefined))
      .map(([at]) => at)
      .filter((at) => !kubernetesPassThrough.has(at));
    expect(open).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });

  it('describes every setting', () => {
    const undescribed = allNodes(schema)
      .filter(([at, node]) => at !== '' && !at.endsWith('[]') && !node.description)
      .map(([at]) => at);
    expect(undescribed).toEqual([]);
  });

  it('follows values.yaml, where every setting has a comment that says what it does', () => {
    const document = parseDocument(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
    const uncommented: string[] = [];
    const visit = (map: YAMLMap, prefix: string): void => {
      map.items.forEach((pair, index) => {
        const key = `${prefix}${String((pair.key as Scalar).value)}`;
        // yaml attaches the comment above a block's first key to the block itself.
        const comment = (pair.key as Scalar).commentBefore ?? (index === 0 ? map.commentBefore : undefined);
        // A section (the schema lists its keys) is documented by its settings; a setting needs its own comment.
        if (isMap(pair.value) && schemaAt(key)?.properties) visit(pair.value, `${key}.`);
        else if (!comment) uncommented.push(key);
      });
    };
    visit(document.contents as YAMLMap, '');
    expect(uncommented).toEqual([]);
  });
});

describe('helm enforces the schema', () => {
  it.each([
    [{ logLevel: 'loud' }, '/logLevel'],
    [{ replicaCount: 0 }, '/replicaCount'],
    [{ watchNamespaces: ['Not_A_Namespace'] }, '/watchNamespaces/0'],
    [{ rds: { securityGroupIds: ['default'] } }, '/rds/securityGroupIds/0'],
    [{ petstoreDefaults: { allowedCIDRs: ['10.0.0.1'] } }, '/petstoreDefaults/allowedCIDRs/0'],
    [{ image: { digest: 'latest' } }, '/image/digest'],
    [{ leaderElection: { leaseDuration: 15 } }, '/leaderElection/leaseDuration'],
    [{ crds: { enable: true } }, "additional properties 'enable' not allowed"],
    [{ petstoreDefault: {} }, "additional properties 'petstoreDefault' not allowed"],
  ])('refuses %j, naming %s', (bad, field) => {
    expect(() => renderChart({ values: bad })).toThrow(field);
  });
});
