// Runs scripts/deploy.sh and scripts/cleanup.sh against stand-in CLIs (test/infra/stand-ins/stand-in.sh) that record
// every call. PATH holds only the stand-ins and a few basic utilities, so a real aws, kubectl or terraform on the
// machine can never be reached, and leaving a stand-in out simulates a missing tool.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './tools.ts';

export const standInTools = ['aws', 'terraform', 'kubectl', 'helm', 'docker', 'curl', 'git'] as const;
export type StandInTool = (typeof standInTools)[number];

const utilities = [
  'bash',
  'cat',
  'sed',
  'grep',
  'head',
  'tr',
  'sort',
  'wc',
  'mktemp',
  'rm',
  'mkdir',
  'dirname',
  'basename',
  'seq',
  'sleep',
];
const standIn = path.join(repoRoot, 'test/infra/stand-ins/stand-in.sh');

/** Behaviour switches of the stand-ins (see stand-in.sh). */
export interface StandInEnvironment {
  STANDIN_AWS_ACCOUNT?: string;
  STANDIN_TERRAFORM_VERSION?: string;
  STANDIN_ECR_HAS_IMAGES?: '0' | '1';
  STANDIN_CLUSTER_EXISTS?: '0' | '1';
  STANDIN_PETSTORES?: string;
  STANDIN_HELM_REVISIONS?: '1' | '2';
  STANDIN_RELEASE_TAG?: string;
  STANDIN_TAGGED?: string;
  STANDIN_FAIL?: string;
  STANDIN_GIT_DIRTY?: string;
  STANDIN_ENV?: string;
  VERIFY_RETRY_SECONDS?: string;
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every stand-in call in order, as "<tool> <args>". */
  calls: string[];
  /** The commands --dry-run printed, in order, without the "[dry-run] " prefix. */
  planned: string[];
}

function which(command: string): string {
  return execFileSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
}

/** A directory with the stand-ins (all but `omit`) and the basic utilities, plus a fake operator chart. */
export function createSandbox(omit: StandInTool[] = []): { bin: string; chart: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'petstore-scripts-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of standInTools) if (!omit.includes(tool)) symlinkSync(standIn, path.join(bin, tool));
  for (const utility of utilities) symlinkSync(which(utility), path.join(bin, utility));
  const chart = path.join(dir, 'chart');
  mkdirSync(chart);
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: petstore-operator\nversion: 0.1.0\n');
  return { bin, chart, log: path.join(dir, 'calls.log') };
}

/** Runs scripts/<script>.sh with the stand-ins; `omit` leaves tools off PATH. */
export function runScript(
  script: 'deploy' | 'cleanup',
  args: string[],
  options: { env?: StandInEnvironment; omit?: StandInTool[] } = {},
): ScriptRun {
  const sandbox = createSandbox(options.omit);
  const result = spawnSync(which('bash'), [path.join(repoRoot, 'scripts', `${script}.sh`), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      PATH: sandbox.bin,
      HOME: path.dirname(sandbox.bin),
      STANDIN_LOG: sandbox.log,
      PETSTORE_OPERATOR_CHART: sandbox.chart,
      VERIFY_RETRY_SECONDS: '0',
      ...options.env,
    },
  });
  if (result.error) throw result.error;
  const calls = existsSync(sandbox.log) ? readFileSync(sandbox.log, 'utf8').split('\n').filter(Boolean) : [];
  const planned = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('[dry-run] ') && !line.startsWith('[dry-run]   '))
    .map((line) => line.slice('[dry-run] '.length));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, planned };
}

/** Index of the first line containing every fragment, or -1. */
export function indexOfLine(lines: string[], ...fragments: string[]): number {
  return lines.findIndex((line) => fragments.every((fragment) => line.includes(fragment)));
}

/** A step's label in test output. */
export const label = (fragments: string[]): string => fragments.join(' … ');

/** The steps sorted by where they first occur in lines; absent steps come first as "missing: <step>". Compare the
 *  result with steps.map(label) to assert order and presence with a readable diff. */
export function inOrderFound(lines: string[], steps: string[][]): string[] {
  return steps
    .map((fragments) => ({ name: label(fragments), at: indexOfLine(lines, ...fragments) }))
    .sort((a, b) => a.at - b.at)
    .map(({ name, at }) => (at < 0 ? `missing: ${name}` : name));
}

/** Commands that change something; none may reach a stand-in during --dry-run. */
export const mutatingCalls = [
  /^terraform .* (apply|destroy)( |$)/,
  /^docker (build|push|tag|login)/,
  /^helm (upgrade|install|uninstall|rollback|repo add)/,
  /^kubectl .* (apply|delete|create) /,
  /^aws ecr (batch-delete-image|put-image)/,
];
