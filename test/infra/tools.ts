// Finds the linters the offline infrastructure tests run. A missing linter fails the test with how to install it.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

const provisionAll = 'eval "$(PETSTORE_TOOLS_ONLY=1 bash scripts/provision-tools.sh)"';
const hints: Record<string, string> = {
  tofu: `bash test/tools/provision-go-tools.sh (builds OpenTofu from the Go module proxy; needs Go), or ${provisionAll}`,
  tflint: `bash test/tools/provision-go-tools.sh (needs Go and the Go module proxy), or ${provisionAll}`,
  actionlint: `bash test/tools/provision-go-tools.sh (needs Go and the Go module proxy), or ${provisionAll}`,
  checkov: `${provisionAll} (a Python virtualenv from PyPI)`,
  shellcheck: 'sudo apt-get install shellcheck (scripts/provision-tools.sh installs it when missing)',
  promtool: `bash test/tools/provision-prometheus.sh (builds it from the Go module proxy; needs Go), or ${provisionAll}`,
  prometheus: `bash test/tools/provision-prometheus.sh (builds it from the Go module proxy; needs Go), or ${provisionAll}`,
  helm: 'bash test/cluster/provision-binaries.sh helm (versions in test/cluster/versions.env)',
};

/** Directories the project's provisioning scripts install into, searched after PATH. */
function cacheDirectories(): string[] {
  const cache = process.env.PETSTORE_CACHE ?? path.join(homedir(), '.cache', 'petstore-operator');
  const within = (directory: string, prefix: string, suffix: string[]): string[] =>
    existsSync(directory)
      ? readdirSync(directory)
          .filter((entry) => entry.startsWith(prefix))
          .map((entry) => path.join(directory, entry, ...suffix))
      : [];
  return [
    path.join(cache, 'go-tools', 'bin'),
    ...within(cache, 'venv-', ['bin']),
    ...within(path.join(cache, 'bin'), 'helm-', []),
  ];
}

/** Absolute path of a tool on PATH or in the project's tool cache; throws how to install it when it is absent. */
export function requireTool(name: string): string {
  const directories = [...(process.env.PATH ?? '').split(path.delimiter), ...cacheDirectories()];
  for (const directory of directories) {
    const candidate = path.join(directory, name);
    if (directory && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed, so this check cannot run. Install it: ${hints[name] ?? `put ${name} on PATH`}`,
  );
}

export interface ToolResult {
  status: number | null;
  output: string;
}

/** Runs a tool from the repository root and returns its exit status with stdout and stderr together. */
export function runTool(
  tool: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ToolResult {
  const result = spawnSync(tool, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
