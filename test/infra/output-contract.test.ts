// The contract between infra-terraform's outputs, its `terraform test` file and the operator chart, cross-checked
// offline: every `output.<path>` a *.tftest.hcl asserts exists in outputs.tf; every value operator_helm_values (and
// deploy.sh's --set) produces is declared in the chart's values.schema.json; every `.Values` path the chart's templates
// read is declared there too. HCL is parsed with @cdktf/hcl2json (HashiCorp's HCL parser); expressions stay strings,
// and only the `output.` references inside assertion expressions are tokenised here.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadTerraformModule, loadTerraformTests, type TerraformModule } from './hcl.ts';
import { repoRoot } from './tools.ts';

interface Schema {
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
}

const tf = await loadTerraformModule();
const tests = await loadTerraformTests();
const chartDir = path.join(repoRoot, 'charts/petstore-operator');
const schema = JSON.parse(readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8')) as Schema;

const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('${');
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `output.a.b["c"][0]` references in an HCL expression, as [output name, ...segments]. */
function outputReferences(expression: string): string[][] {
  const references = expression.matchAll(
    /\boutput\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\s*(?:"[^"]*"|\d+)\s*\])*)/g,
  );
  return [...references].map(([, name, rest]) => [
    name!,
    ...[...rest!.matchAll(/\.([A-Za-z_][\w-]*)|\[\s*"([^"]*)"\s*\]|\[\s*(\d+)\s*\]/g)].map(
      ([, attribute, key, index]) => attribute ?? key ?? index!,
    ),
  ]);
}

/** Follows `${local.x}` to the local's value as written; other expressions stay opaque. */
function follow(value: unknown, module: TerraformModule): unknown {
  const local = isExpression(value) ? /^\$\{local\.([\w-]+)\}$/.exec(value) : null;
  return local ? follow(module.locals[local[1]!], module) : value;
}

/** Why `output.<path>` does not exist in the module's outputs as written, or undefined when it does. */
function missingOutputPath(reference: string[], module: TerraformModule): string | undefined {
  const [name, ...segments] = reference;
  const output = module.output[name!];
  if (!output) return `output "${name}" is not declared in outputs.tf`;
  let node = follow(output.value, module);
  const walked = [`output.${name}`];
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = follow(node[Number(segment)], module);
    else if (isObject(node)) {
      const dynamicKeys = Object.keys(node).filter(isExpression);
      if (segment in node) node = follow(node[segment], module);
      // A map keyed by an expression ({ (local.version) = ... }): any key may exist.
      else if (dynamicKeys.length > 0) node = follow(node[dynamicKeys[0]!], module);
      else return `${walked.join('.')} has no "${segment}" (it has ${Object.keys(node).join(', ')})`;
    } else {
      return `${walked.join('.')} is ${String(node)}, which this check cannot look into for "${segment}"`;
    }
    walked.push(segment);
  }
  return undefined;
}

/** Every assertion expression of a parsed .tftest.hcl: the conditions of each run's assert blocks. */
function assertions(parsed: Record<string, unknown>): { run: string; condition: string }[] {
  const runs = (parsed.run ?? {}) as Record<string, { assert?: { condition: string }[] }[]>;
  return Object.entries(runs).flatMap(([run, blocks]) =>
    blocks.flatMap((block) => (block.assert ?? []).map(({ condition }) => ({ run, condition }))),
  );
}

/** The schema node that declares a values path, or undefined. Maps (additionalProperties) accept any key. */
function schemaAt(segments: string[]): Schema | undefined {
  let node: Schema = schema;
  for (const segment of segments) {
    const next: Schema | undefined =
      node.properties?.[segment] ?? (isObject(node.additionalProperties) ? node.additionalProperties : node.items);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** Dotted paths of every leaf of a values tree as Terraform writes it (maps keyed by expressions count as "*"). */
function leafPaths(tree: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const here = [...prefix, isExpression(key) ? '*' : key];
    return isObject(value) && Object.keys(value).length > 0 ? leafPaths(value, here) : [here];
  });
}

describe('terraform test asserts only outputs that exist', () => {
  const references = Object.entries(tests).flatMap(([file, parsed]) =>
    assertions(parsed).flatMap(({ run, condition }) =>
      outputReferences(condition).map((reference) => ({ file, run, reference })),
    ),
  );

  it('asserts on outputs at all (so this check checks something)', () => {
    expect(references.map(({ reference }) => reference[0])).toEqual(
      expect.arrayContaining(['operator_helm_values', 'required_tags']),
    );
  });

  it.each(references.map((entry) => [`output.${entry.reference.join('.')}`, entry] as const))(
    '%s exists in outputs.tf',
    (_name, { file, run, reference }) => {
      expect({ file, run, problem: missingOutputPath(reference, tf) }).toEqual({ file, run, problem: undefined });
    },
  );

  it('would have caught the renamed rds.subnetGroupName', () => {
    const [reference] = outputReferences(
      'output.operator_helm_values.rds.subnetGroupName == "pet-store-dev-databases"',
    );
    expect(missingOutputPath(reference!, tf)).toContain('output.operator_helm_values.rds has no "subnetGroupName"');
    expect(outputReferences('output.operator_helm_values.rds.parameterGroups["17"] == x')).toEqual([
      ['operator_helm_values', 'rds', 'parameterGroups', '17'],
    ]);
  });
});

describe('operator_helm_values and the chart agree', () => {
  const produced = leafPaths(tf.output.operator_helm_values?.value as Record<string, unknown>);

  it.each(produced.map((segments) => [segments.join('.'), segments] as const))(
    'Terraform value %s is declared in values.schema.json',
    (_name, segments) => {
      expect(schemaAt(segments.map((segment) => (segment === '*' ? '17' : segment)))).toBeDefined();
    },
  );

  it('every --set of deploy.sh names a declared value', () => {
    const script = readFileSync(path.join(repoRoot, 'scripts/deploy.sh'), 'utf8');
    const release = script.slice(script.indexOf('helm upgrade --install petstore-operator'));
    const keys = [...release.slice(0, release.indexOf('--wait')).matchAll(/--set "([\w.]+)=/g)].map((m) => m[1]!);
    expect(keys).toEqual(['image.tag', 'petstoreDefaults.apiImage']);
    for (const key of keys) expect([key, schemaAt(key.split('.')) !== undefined]).toEqual([key, true]);
  });

  it('gives the chart every infrastructure value RDS databases need, including the TLS-only parameter group', () => {
    const paths = produced.map((segments) => segments.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'clusterName',
        'aws.region',
        'rds.dbSubnetGroupName',
        'rds.securityGroupIds',
        'rds.engineVersion',
        'rds.parameterGroups.*',
        'petstoreDefaults.allowedCIDRs',
        'petstoreDefaults.databaseCIDRs',
      ]),
    );
  });

  it('every .Values path the chart templates read is declared in values.schema.json', () => {
    const templatesDir = path.join(chartDir, 'templates');
    const files = readdirSync(templatesDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(ya?ml|tpl|txt)$/.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
    const read = new Set(
      files.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\.Values((?:\.[A-Za-z_][\w]*)+)/g)].map((m) => m[1]!.slice(1)),
      ),
    );
    expect(read.size).toBeGreaterThan(10);
    const undeclared = [...read].filter((key) => schemaAt(key.split('.')) === undefined);
    expect(undeclared).toEqual([]);
  });
});
