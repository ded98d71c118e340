// Runs scripts/deploy.sh and scripts/cleanup.sh against stand-in CLIs (test/infra/stand-ins/stand-in.sh) that record
// every call. PATH holds only the stand-ins and a few basic utilities, so a real aws, kubectl or terraform on the
// machine can never be reached, and leaving a stand-in out simulates a missing tool. Cluster tests put the real kubectl
// and helm in place of their stand-ins (`real`), pointed at the local cluster through STANDIN_KUBECONFIG.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { repoRoot } from './tools.ts';
import { scratchDir } from '../scratch.ts';

export const standInTools = ['aws', 'terraform', 'kubectl', 'helm', 'docker', 'curl', 'git'] as const;
export type StandInTool = (typeof standInTools)[number];

const utilities = [
  'bash',
  'cat',
  'sed',
  'grep',
  'head',
  'tail',
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
  /** Ingresses in the cluster not made by PetStores (cleanup.sh leaves them and lists them). */
  STANDIN_OTHER_INGRESSES?: string;
  STANDIN_HELM_REVISIONS?: '1' | '2';
  STANDIN_RELEASE_TAG?: string;
  STANDIN_TAGGED?: string;
  STANDIN_FAIL?: string;
  STANDIN_GIT_DIRTY?: string;
  STANDIN_ENV?: string;
  STANDIN_PODMAN?: '0' | '1';
  STANDIN_DOCKER_VERSION?: string;
  /** The probe Job's final condition, "<type>:<reason>" (default Failed:BackoffLimitExceeded: policies enforced). */
  STANDIN_PROBE_OUTCOME?: string;
  /** 0: no resource metrics API (kubectl top fails, the HPA has no CPU reading). */
  STANDIN_METRICS?: '0' | '1';
  VERIFY_ATTEMPTS?: string;
  /** A kubeconfig `aws eks update-kubeconfig` copies into place (its context named after the cluster, pet-store-<env>). */
  STANDIN_KUBECONFIG?: string;
  STANDIN_OPERATOR_NAMESPACE?: string;
  /** The JSON of `terraform output -json operator_helm_values`. */
  STANDIN_OPERATOR_VALUES?: string;
  PETSTORE_OPERATOR_CHART?: string;
  EKS_CHARTS_REPOSITORY?: string;
  AUTOSCALER_CHARTS_REPOSITORY?: string;
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

/** Real binaries to put on PATH instead of stand-ins, by tool. */
export type RealTools = Partial<Record<StandInTool, string>>;

/** A directory with the stand-ins (all but `omit`, and real binaries for `real`) and the basic utilities, plus a fake
 *  operator chart. */
export function createSandbox(
  omit: StandInTool[] = [],
  real: RealTools = {},
): { bin: string; chart: string; log: string } {
  const dir = scratchDir('petstore-scripts-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of standInTools) if (!omit.includes(tool)) symlinkSync(real[tool] ?? standIn, path.join(bin, tool));
  for (const utility of utilities) symlinkSync(which(utility), path.join(bin, utility));
  const chart = path.join(dir, 'chart');
  mkdirSync(chart);
  writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: petstore-operator\nversion: 0.1.0\n');
  return { bin, chart, log: path.join(dir, 'calls.log') };
}

export interface ScriptOptions {
  env?: StandInEnvironment;
  /** Tools left off PATH. */
  omit?: StandInTool[];
  /** Real binaries instead of stand-ins. */
  real?: RealTools;
}

function prepare(script: 'deploy' | 'cleanup', args: string[], options: ScriptOptions) {
  const sandbox = createSandbox(options.omit, options.real);
  const command = [which('bash'), path.join(repoRoot, 'scripts', `${script}.sh`), ...args] as const;
  const env = {
    PATH: sandbox.bin,
    HOME: path.dirname(sandbox.bin),
    STANDIN_LOG: sandbox.log,
    PETSTORE_OPERATOR_CHART: sandbox.chart,
    VERIFY_RETRY_SECONDS: '0',
    VERIFY_ATTEMPTS: '2',
    ...options.env,
  };
  const collect = (status: number | null, stdout: string, stderr: string): ScriptRun => {
    const calls = existsSync(sandbox.log) ? readFileSync(sandbox.log, 'utf8').split('\n').filter(Boolean) : [];
    const planned = stdout
      .split('\n')
      .filter((line) => line.startsWith('[dry-run] ') && !line.startsWith('[dry-run]   '))
      .map((line) => line.slice('[dry-run] '.length));
    return { status, stdout, stderr, calls, planned };
  };
  return { command, env, collect };
}

/** Runs scripts/<script>.sh with the stand-ins; `omit` leaves tools off PATH. */
export function runScript(script: 'deploy' | 'cleanup', args: string[], options: ScriptOptions = {}): ScriptRun {
  const { command, env, collect } = prepare(script, args, options);
  const [bash, ...rest] = command;
  const result = spawnSync(bash, rest, { cwd: repoRoot, encoding: 'utf8', env });
  if (result.error) throw result.error;
  return collect(result.status, result.stdout, result.stderr);
}

/** runScript without blocking the event loop, for tests that serve something the script calls (a chart repository). */
export function runScriptAsync(
  script: 'deploy' | 'cleanup',
  args: string[],
  options: ScriptOptions = {},
): Promise<ScriptRun> {
  const { command, env, collect } = prepare(script, args, options);
  const [bash, ...rest] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(bash, rest, { cwd: repoRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve(collect(status, stdout, stderr)));
  });
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

/** `kubeconfig` (a cluster's admin one) with its context named as `aws eks update-kubeconfig --alias` names it. */
export function eksStyleKubeconfig(kubeconfig: string, context = 'pet-store-dev'): string {
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfig);
  const current = admin.getContextObject(admin.getCurrentContext());
  if (!current) throw new Error(`${kubeconfig} has no current context`);
  const renamed = new KubeConfig();
  renamed.loadFromOptions({
    clusters: admin.clusters,
    users: admin.users,
    contexts: [{ ...current, name: context }],
    currentContext: context,
  });
  const file = path.join(scratchDir('eks-kubeconfig-'), 'kubeconfig');
  writeFileSync(file, renamed.exportConfig(), { mode: 0o600 });
  return file;
}
