// Parses infra-terraform's HCL into JSON (@cdktf/hcl2json) for structural tests. Expressions stay strings such as
// "${var.environment}", so tests assert on the configuration as written, without providers or a plan.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { repoRoot } from './tools.ts';

export type Block = Record<string, unknown>;

/** The blocks of every .tf file of one Terraform module directory, merged as Terraform merges its files. */
export interface TerraformModule {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  module: Record<string, Block>;
  variable: Record<string, Block>;
  output: Record<string, Block>;
  locals: Block;
  provider: Record<string, Block>;
  terraform: Block[];
  check: Record<string, Block>;
  /** Raw text of every file, by file name. */
  files: Record<string, string>;
}

export const infraDir = path.join(repoRoot, 'infra-terraform');

type Parsed = Record<string, unknown>;

function single(value: unknown, where: string): Block {
  if (!Array.isArray(value) || value.length !== 1)
    throw new Error(`${where} is declared ${String((value as unknown[]).length)} times`);
  return value[0] as Block;
}

/** Parses one HCL document (a .tf, .tfvars or .tftest.hcl file). */
export async function parseHcl(fileName: string, text: string): Promise<Parsed> {
  return (await parse(fileName, text)) as Parsed;
}

export async function loadTerraformModule(directory: string = infraDir): Promise<TerraformModule> {
  const merged: TerraformModule = {
    resource: {},
    data: {},
    module: {},
    variable: {},
    output: {},
    locals: {},
    provider: {},
    terraform: [],
    check: {},
    files: {},
  };
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.tf'))
    .sort()) {
    const text = readFileSync(path.join(directory, file), 'utf8');
    merged.files[file] = text;
    const parsed = await parseHcl(file, text);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((parsed[kind] ?? {}) as Record<string, Record<string, unknown>>)) {
        merged[kind][type] ??= {};
        for (const [name, blocks] of Object.entries(byName))
          merged[kind][type][name] = single(blocks, `${kind} ${type}.${name}`);
      }
    }
    for (const kind of ['module', 'variable', 'output', 'provider', 'check'] as const) {
      for (const [name, blocks] of Object.entries((parsed[kind] ?? {}) as Record<string, unknown>))
        merged[kind][name] = single(blocks, `${kind} ${name}`);
    }
    for (const locals of (parsed.locals ?? []) as Block[]) Object.assign(merged.locals, locals);
    merged.terraform.push(...((parsed.terraform ?? []) as Block[]));
  }
  return merged;
}

/** Top-level assignments of an environments/<env>.tfvars file. */
export async function loadTfvars(environment: string): Promise<Record<string, unknown>> {
  const file = path.join(infraDir, 'environments', `${environment}.tfvars`);
  return parseHcl(`${environment}.tfvars`, readFileSync(file, 'utf8'));
}

/** The first block of a nested block list (hcl2json renders every nested block as an array). */
export function nested(block: Block, name: string): Block {
  const value = block[name];
  if (!Array.isArray(value) || value.length === 0) throw new Error(`no ${name} block`);
  return value[0] as Block;
}

/** Every tests/*.tftest.hcl file of the module, parsed, by file name. */
export async function loadTerraformTests(directory: string = infraDir): Promise<Record<string, Parsed>> {
  const testsDir = path.join(directory, 'tests');
  const parsed: Record<string, Parsed> = {};
  for (const file of readdirSync(testsDir).filter((name) => name.endsWith('.tftest.hcl')))
    parsed[file] = await parseHcl(file, readFileSync(path.join(testsDir, file), 'utf8'));
  return parsed;
}
