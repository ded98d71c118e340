// kube-linter, checkov (Kubernetes, Helm and Dockerfile frameworks) and hadolint pass on everything this project
// installs the operator with; every finding left is skipped where it is written, with its reason.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { chartBinaries, chartDir, linter, renderChart, renderKustomization, repoRoot, type Manifest } from './chart.ts';
import { scratchDir } from '../scratch.ts';

/** The manifests a platform engineer can install: the chart with defaults, with every option on, and config/default. */
const installs: Record<string, Manifest[]> = {
  'chart defaults': renderChart(),
  'chart with every option on': renderChart({
    values: {
      watchNamespaces: ['shop'],
      image: { digest: `sha256:${'a'.repeat(64)}` },
      rds: { dbSubnetGroupName: 'db', securityGroupIds: ['sg-0123456789abcdef0'] },
      aws: { region: 'us-west-2' },
      clusterName: 'dev',
      metrics: { serviceMonitor: { enabled: true } },
      networkPolicy: { enabled: true, apiServerCIDRs: ['10.0.0.10/32'] },
    },
  }),
  'config/default': renderKustomization('config/default'),
};

const directory = scratchDir('operator-manifests-');
const files = Object.entries(installs).map(([name, manifests]) => {
  const file = path.join(directory, `${name.replaceAll(/[^a-z]+/g, '-')}.yaml`);
  writeFileSync(file, manifests.map((m) => stringify(m)).join('---\n'));
  return [name, file] as const;
});

/** Runs a linter from the repository root; its whole output is the failure message. */
function lint(
  tool: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; output: string } {
  const result = spawnSync(tool, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true', ...env },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const checkovArgs = ['--skip-download', '--quiet', '--compact', '--output', 'cli'];

describe('kube-linter (every built-in check; test/chart/kube-linter.yaml says which are off and why)', () => {
  it.each(files)('passes on the %s', (_name, file) => {
    const result = lint(linter('kube-linter'), ['lint', '--config', 'test/chart/kube-linter.yaml', file]);
    expect(result.status === 0 ? 'passed' : result.output).toBe('passed');
  });
});

describe('checkov', () => {
  it.each(files)('Kubernetes checks pass on the %s', (_name, file) => {
    const result = lint(linter('checkov'), ['--framework', 'kubernetes', '-f', file, ...checkovArgs]);
    expect(result.status === 0 ? 'passed' : result.output).toBe('passed');
  });

  it('Helm checks pass on charts/petstore-operator', () => {
    const { helm } = chartBinaries();
    // checkov runs `helm template` without --kube-version, so helm's built-in default must satisfy the chart's
    // kubeVersion; a helm built without the k8sVersion ldflags defaults to Kubernetes 1.20.
    // CKV_K8S_21 ("the default namespace should not be used") is skipped here only: checkov's helm runner renders
    // into the namespace `default`, while the chart uses the release namespace chosen at install. The Kubernetes runs
    // above check the same objects rendered into petstore-system, CKV_K8S_21 included.
    const skip = ['--skip-check', 'CKV_K8S_21'];
    const result = lint(linter('checkov'), ['--framework', 'helm', '-d', chartDir, ...skip, ...checkovArgs], {
      PATH: `${path.dirname(helm)}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    if (/incompatible with Kubernetes v1\.20\.0/.test(result.output)) {
      throw new Error(
        `${helm} was built without helm's Kubernetes version ldflags, so it renders for Kubernetes 1.20. Build it with ` +
          '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=<minor> ' +
          "(and the same two for helm.sh/helm/v3/pkg/lint/rules), as helm's Makefile does, in test/cluster/provision-binaries.sh",
      );
    }
    expect(result.output).not.toContain('Failed processing helm chart');
    expect(result.status === 0 ? 'passed' : result.output).toBe('passed');
    expect(result.output).toMatch(/Passed checks: [1-9]/);
  });

  it('Dockerfile checks pass on Dockerfile.operator', () => {
    const result = lint(linter('checkov'), ['--framework', 'dockerfile', '-f', 'Dockerfile.operator', ...checkovArgs]);
    expect(result.status === 0 ? 'passed' : result.output).toBe('passed');
  });
});

describe('hadolint', () => {
  it('passes on Dockerfile.operator, down to style findings', () => {
    const result = lint(linter('hadolint'), ['--failure-threshold', 'style', 'Dockerfile.operator']);
    expect(result.status === 0 ? 'passed' : result.output).toBe('passed');
  });
});

describe('every skipped check', () => {
  it('says why, where it is written', () => {
    const skips = Object.values(installs)
      .flat()
      .flatMap((m) => Object.entries(m.metadata.annotations ?? {}))
      .filter(([key]) => key.startsWith('checkov.io/skip') || key.startsWith('ignore-check.kube-linter.io/'))
      .map(([key, value]) => (key.startsWith('checkov.io/') ? value.slice(value.indexOf('=') + 1) : value));
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile.operator'), 'utf8');
    const dockerfileSkips = [...dockerfile.matchAll(/checkov:skip=[A-Z0-9_]+:?(.*)$/gm)].map((match) => match[1] ?? '');
    // A hadolint ignore sits on the line before its instruction; the reason is a comment elsewhere naming the rule.
    for (const [, rule] of dockerfile.matchAll(/# hadolint ignore=(DL\d+)/g)) {
      const explained = dockerfile.split('\n').filter((line) => line.startsWith('#') && line.includes(`${rule!}'s`));
      expect({ rule, explained: explained.length > 0 }).toEqual({ rule, explained: true });
    }
    expect(skips.length + dockerfileSkips.length).toBeGreaterThan(0);
    for (const reason of [...skips, ...dockerfileSkips]) expect(reason.trim().length).toBeGreaterThan(20);
  });
});
