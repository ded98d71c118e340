// The CI/CD contract of .github/workflows: every push is tested, main deploys dev then prod behind approval, AWS access
// is OIDC only, third-party actions are pinned to commits, and a failed release or health check rolls back.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repoRoot } from './tools.ts';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string>;
  environment?: { name: string };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const directory = path.join(repoRoot, '.github/workflows');
const files = readdirSync(directory).filter((file) => file.endsWith('.yml'));
const text = Object.fromEntries(files.map((file) => [file, readFileSync(path.join(directory, file), 'utf8')]));
const workflow = (file: string): Workflow => parse(text[file]!) as Workflow;
const ci = workflow('ci.yml');
const deploy = workflow('deploy.yml');
const steps = (job: Job | undefined): Step[] => job?.steps ?? [];

describe('CI on every push', () => {
  it('runs on every push and pull request', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(ci.on.push).toBeNull(); // no branch filter
  });

  it('installs, lints and runs the tests with the same commands as a laptop', () => {
    const runs = steps(ci.jobs.test).map((step) => step.run);
    expect(runs).toEqual(expect.arrayContaining(['npm run lint', 'bash .ci/run']));
    expect(runs.findIndex((run) => run?.includes('scripts/bootstrap.sh'))).toBeLessThan(runs.indexOf('npm run lint'));
  });

  it('validates and tests the Terraform with real providers', () => {
    expect(steps(ci.jobs.terraform).map((step) => step.run)).toEqual(
      expect.arrayContaining([
        'terraform fmt -check -recursive -diff',
        'terraform init -backend=false -input=false',
        'terraform validate',
        'terraform test',
      ]),
    );
  });

  it('reads the repository only, unless a job asks for more', () => {
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});

describe('delivery from main', () => {
  const onMain = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

  it('builds both images once, only for pushes to main, after the tests pass', () => {
    expect(ci.jobs['build-images']).toMatchObject({ if: onMain, needs: ['test', 'terraform'] });
    expect(text['ci.yml']).toContain('file: Dockerfile.${{ matrix.image }}');
    expect(text['ci.yml']).toMatch(/image: \[operator, api\]/);
  });

  it('deploys dev automatically and prod only after dev', () => {
    expect(ci.jobs['deploy-dev']).toMatchObject({
      needs: 'build-images',
      uses: './.github/workflows/deploy.yml',
      with: { environment: 'dev' },
    });
    expect(ci.jobs['deploy-prod']).toMatchObject({
      needs: 'deploy-dev',
      uses: './.github/workflows/deploy.yml',
      with: { environment: 'prod' },
    });
  });

  it('puts prod behind the `production` environment, where required reviewers approve', () => {
    expect(deploy.jobs.deploy?.environment?.name).toBe(
      "${{ inputs.environment == 'prod' && 'production' || inputs.environment }}",
    );
  });

  it('gets AWS credentials from OIDC, never from stored keys', () => {
    const credentials = steps(deploy.jobs.deploy).find((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}' });
    expect(deploy.permissions).toMatchObject({ 'id-token': 'write' });
    for (const job of ['deploy-dev', 'deploy-prod'])
      expect(ci.jobs[job]?.permissions).toMatchObject({ 'id-token': 'write' });
    for (const content of Object.values(text))
      expect(content).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\.AWS_/);
  });

  it('deploys in phases and rolls back when the release or the health check fails', () => {
    const deploySteps = steps(deploy.jobs.deploy);
    const phases = deploySteps
      .filter((step) => step.run?.includes('scripts/deploy.sh'))
      .map((step) => /--phase (\w+)|--rollback/.exec(step.run!)?.[0]);
    expect(phases).toEqual(['--phase infrastructure', '--phase release', '--phase verify', '--rollback']);
    const rollback = deploySteps.at(-1);
    expect(rollback?.if).toBe("failure() && (steps.release.outcome == 'failure' || steps.verify.outcome == 'failure')");
  });

  it('pushes immutable commit tags, never latest', () => {
    for (const content of Object.values(text)) expect(content).not.toMatch(/:latest\b/);
    expect(text['ci.yml']).toContain('tags: petstore-${{ matrix.image }}:${{ github.sha }}');
  });
});

describe('manual rollback', () => {
  const rollback = workflow('rollback.yml');
  const job = rollback.jobs.rollback;

  it('is dispatched by hand for a named environment, optionally to a given Helm revision', () => {
    expect(Object.keys(rollback.on)).toEqual(['workflow_dispatch']);
    const inputs = (rollback.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> })
      .inputs;
    expect(inputs.environment).toMatchObject({ type: 'choice', options: ['dev', 'staging', 'prod'] });
    expect(inputs.revision).toMatchObject({ type: 'string' });
    const environments = readdirSync(path.join(repoRoot, 'infra-terraform/environments')).map((file) =>
      file.replace(/\.tfvars$/, ''),
    );
    expect([...(inputs.environment?.options ?? [])].sort()).toEqual(environments.sort());
  });

  it('rolls back with scripts/deploy.sh --rollback, which checks health again, and changes nothing else', () => {
    const runs = steps(job).filter((step) => step.run?.includes('scripts/deploy.sh'));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.run).toContain('--rollback ${REVISION:+--revision "$REVISION"}');
    expect(runs[0]?.run).not.toMatch(/--phase|--image-tag/);
  });

  it('needs the same approval as a prod deployment, and never runs during one', () => {
    expect(job?.environment?.name).toBe(deploy.jobs.deploy?.environment?.name);
    expect((job as { concurrency?: unknown }).concurrency).toEqual(
      (deploy.jobs.deploy as { concurrency?: unknown }).concurrency,
    );
  });

  it('gets AWS credentials from OIDC with write access to nothing in the repository', () => {
    expect(rollback.permissions).toEqual({ contents: 'read' });
    expect(job?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const credentials = steps(job).find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}' });
  });
});

describe('supply chain', () => {
  it('pins every action to a full commit SHA, with the version in a comment', () => {
    const uses = Object.values(text).flatMap((content) => [...content.matchAll(/uses: (\S+)(.*)$/gm)]);
    expect(uses.length).toBeGreaterThan(5);
    for (const [, reference, comment] of uses) {
      if (reference!.startsWith('./')) continue; // this repository's reusable workflow
      expect([reference, comment]).toEqual([
        expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/),
        expect.stringMatching(/^ # v\d+\.\d+\.\d+$/),
      ]);
    }
  });
});
