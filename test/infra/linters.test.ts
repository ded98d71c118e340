// The infrastructure linters, all offline: terraform fmt (OpenTofu's, same canonical style), tflint's bundled rules,
// checkov, actionlint and shellcheck. A missing linter fails its test with how to install it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { infraDir } from './hcl.ts';
import { repoRoot, requireTool, runTool } from './tools.ts';
import { scratchDir } from '../scratch.ts';

// An empty CLI configuration, so a stray TF_CLI_CONFIG_FILE on the machine cannot change the result.
const cliConfig = path.join(scratchDir('tofu-'), 'tofurc');
writeFileSync(cliConfig, '');

const shellScripts = [
  'scripts/deploy.sh',
  'scripts/cleanup.sh',
  'scripts/lib/common.sh',
  'test/infra/stand-ins/stand-in.sh',
  'test/tools/provision-go-tools.sh',
  'test/tools/provision-prometheus.sh',
  'test/tools/provision-monitoring-crds.sh',
];

describe('infrastructure linters', () => {
  it('terraform fmt: infra-terraform is canonically formatted', () => {
    const tofu = requireTool('tofu');
    const result = runTool(tofu, ['fmt', '-check', '-diff', '-recursive', infraDir], {
      env: { TF_CLI_CONFIG_FILE: cliConfig },
    });
    // On failure the diff of what to reformat is shown; `tofu fmt -recursive infra-terraform` fixes it.
    expect(result.status === 0 ? '' : result.output).toBe('');
  });

  it.each(['dev', 'staging', 'prod'])('tflint: no findings with environments/%s.tfvars', (environment) => {
    const tflint = requireTool('tflint');
    const result = runTool(tflint, [
      '--chdir',
      infraDir,
      `--var-file=environments/${environment}.tfvars`,
      '--format=compact',
    ]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('checkov: no failed check in infra-terraform', () => {
    const checkov = requireTool('checkov');
    const result = runTool(
      checkov,
      [
        '-d',
        'infra-terraform',
        '--framework',
        'terraform',
        '--skip-download',
        '--compact',
        '--quiet',
        '--output',
        'json',
      ],
      {
        env: { CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true', LOG_LEVEL: 'ERROR' },
      },
    );
    const report = JSON.parse(result.output.slice(result.output.indexOf('{'))) as {
      summary: { passed: number; failed: number };
      results: { failed_checks?: { check_id: string; resource: string }[] };
    };
    expect((report.results.failed_checks ?? []).map((c) => `${c.check_id} ${c.resource}`)).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(20);
  });

  it('checkov: every skipped check says why, in the code', () => {
    const files = ['main.tf', 'vpc.tf', 'eks.tf', 'ecr.tf', 'pod-identity.tf', 'rds.tf', 'logging.tf'];
    const skips = files.flatMap((file) => [
      ...readFileSync(path.join(infraDir, file), 'utf8').matchAll(/#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?/g),
    ]);
    expect(skips.length).toBeGreaterThan(0);
    for (const [, id, reason] of skips) expect([id, (reason ?? '').trim().length >= 20]).toEqual([id, true]);
  });

  it('actionlint: the GitHub workflows are valid (expressions, contexts, shell in run steps)', () => {
    const actionlint = requireTool('actionlint');
    // actionlint runs shellcheck on every run: step.
    const result = runTool(actionlint, ['-color=false', `-shellcheck=${requireTool('shellcheck')}`], { cwd: repoRoot });
    expect(result).toEqual({ status: 0, output: '' });
  });

  it('shellcheck: the deploy and cleanup scripts and their helpers are clean', () => {
    const shellcheck = requireTool('shellcheck');
    const result = runTool(shellcheck, ['--external-sources', ...shellScripts]);
    expect(result).toEqual({ status: 0, output: '' });
  });
});
