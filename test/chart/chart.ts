// Real helm and kubectl for the chart tests: renders of charts/petstore-operator and config/, parsed strictly.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { readVersions } from '../cluster/versions.ts';
import { scratchDir } from '../scratch.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const chartDir = path.join(repoRoot, 'charts/petstore-operator');
/** The release the docs and config/default use: `helm install petstore-operator … -n petstore-system`. */
export const defaultRelease = { name: 'petstore-operator', namespace: 'petstore-system' } as const;

/** An object as rendered: kind and name always present. */
export type Manifest = KubernetesObject & {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

let binaries: { helm: string; kubectl: string } | undefined;

/**
 * helm and kubectl at the versions in test/cluster/versions.env, from test/cluster/provision-binaries.sh (cached under
 * ~/.cache/petstore-operator; built from the Go module proxy when missing, which takes a while the first time).
 */
export function chartBinaries(): { helm: string; kubectl: string } {
  if (binaries) return binaries;
  const script = path.join(repoRoot, 'test/cluster/provision-binaries.sh');
  const result = spawnSync('bash', [script, 'helm', 'kube'], { encoding: 'utf8' });
  const paths = new Map(
    result.stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  const helm = paths.get('helm');
  const kubectl = paths.get('kubectl');
  if (result.status !== 0 || !helm || !kubectl) {
    throw new Error(
      `helm and kubectl are needed: \`bash test/cluster/provision-binaries.sh helm kube\` failed:\n${result.stderr}`,
    );
  }
  binaries = { helm, kubectl };
  return binaries;
}

/** A failed helm or kubectl run; the message carries its stderr, which names the problem. */
export class CommandFailed extends Error {
  readonly stderr: string;
  constructor(command: string, stderr: string) {
    super(`${command} failed:\n${stderr.trim()}`);
    this.name = 'CommandFailed';
    this.stderr = stderr;
  }
}

/** Runs helm with a throwaway config and cache (so no user repositories leak in) and returns stdout. */
export function helm(args: readonly string[]): string {
  const home = scratchDir('helm-home-');
  const result = spawnSync(chartBinaries().helm, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
  });
  if (result.status !== 0) throw new CommandFailed(`helm ${args.join(' ')}`, result.stderr);
  return result.stdout;
}

export interface RenderOptions {
  /** Values on top of values.yaml, as `--values` would give them. */
  values?: Record<string, unknown>;
  release?: string;
  namespace?: string;
  /** Leave out the `helm test` hooks. */
  skipTests?: boolean;
}

/** Writes values to a temporary file (JSON is YAML) for `--values`. */
export function valuesFile(values: Record<string, unknown>): string {
  const file = path.join(scratchDir('chart-values-'), 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

/** The helm arguments that pin rendering to the Kubernetes version of the local cluster. */
export function kubeVersionArgs(): string[] {
  return ['--kube-version', readVersions().kubernetes];
}

/** `helm template` of the chart, every document parsed; throws CommandFailed with helm's message when it refuses. */
export function renderChart(options: RenderOptions = {}): Manifest[] {
  const args = [
    'template',
    options.release ?? defaultRelease.name,
    chartDir,
    '--namespace',
    options.namespace ?? defaultRelease.namespace,
    ...kubeVersionArgs(),
    ...(options.values ? ['--values', valuesFile(options.values)] : []),
    ...(options.skipTests ? ['--skip-tests'] : []),
  ];
  return parseManifests(helm(args));
}

/** `kubectl kustomize` of a config/ directory, parsed. */
export function renderKustomization(directory: string): Manifest[] {
  const output = execFileSync(chartBinaries().kubectl, ['kustomize', path.join(repoRoot, directory)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseManifests(output);
}

/** Parses a multi-document YAML stream; duplicate keys and syntax errors fail (kubectl would reject them). */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0)
        throw new Error(`invalid YAML rendered: ${document.errors.map(String).join('; ')}`);
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/** The only object of a kind (and name, when given); fails with what there is instead. */
export function only(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) {
    const present = manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length} among: ${present}`);
  }
  return found[0]!;
}

/** Objects that are `helm test` hooks. */
export function isTestHook(manifest: Manifest): boolean {
  return manifest.metadata.annotations?.['helm.sh/hook'] === 'test';
}

/**
 * A linter from the project's tool cache: the Python virtualenv (checkov, hadolint) that scripts/provision-tools.sh
 * creates, or kube-linter from test/chart/provision-kube-linter.sh; provisioned on first use, cached afterwards.
 */
export function linter(name: 'checkov' | 'hadolint' | 'kube-linter'): string {
  const provision =
    name === 'kube-linter'
      ? `bash test/chart/provision-kube-linter.sh && echo "export PATH=\${PETSTORE_CACHE:-$HOME/.cache/petstore-operator}/go-tools/bin:$PATH"`
      : 'PETSTORE_TOOLS_ONLY=1 bash scripts/provision-tools.sh';
  const result = spawnSync('bash', ['-c', `eval "$(${provision})" >&2 && command -v ${name}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const found = result.stdout.trim();
  if (result.status !== 0 || !found) {
    throw new Error(`${name} is needed and could not be provisioned (${provision}):\n${result.stderr}`);
  }
  return found;
}
