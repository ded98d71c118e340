import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CommandError, run } from './processes.ts';

const script = fileURLToPath(new URL('provision-binaries.sh', import.meta.url));
const cli = fileURLToPath(new URL('cli.ts', import.meta.url));
const temporary: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-'));
  temporary.push(dir);
  return dir;
};
afterEach(() => temporary.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** PATH without any directory that holds a `go` binary. */
const pathWithoutGo = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !existsSync(join(dir, 'go')))
  .join(delimiter);

/** An environment with an empty cache and no release downloads, as on a fresh machine without internet. */
function freshMachine(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { PETSTORE_BIN_DIR: _ignored, ...inherited } = process.env;
  return { ...inherited, PETSTORE_CACHE: tempDir(), PETSTORE_NO_DOWNLOAD: '1', ...extra };
}

async function failure(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CommandError)) throw new Error(`expected the command to fail, got ${String(error)}`);
  return error;
}

describe('provision-binaries.sh', () => {
  it('without a Go toolchain, says so once and how to provide the binaries instead', async () => {
    const error = await failure(run('bash', [script, 'kube'], { env: freshMachine({ PATH: pathWithoutGo }) }));

    expect(error.exitCode).toBe(1);
    expect(error.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(error.stderr).toMatch(/^error: no Go toolchain on PATH to build kube/m);
    expect(error.stderr).toContain('set PETSTORE_BIN_DIR');
  });

  it('when the Go build fails, names the tool that failed and how to provide the binaries instead', async () => {
    const modules = tempDir();
    const env = freshMachine({ GOPROXY: 'off', GOMODCACHE: modules, GOFLAGS: '' });

    const error = await failure(run('bash', [script, 'kwok'], { env }));

    expect(error.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(error.stderr).toMatch(/^error: building kwok from the Go module proxy failed/m);
    expect(error.stderr).toContain('set PETSTORE_BIN_DIR');
  });

  it('uses the binaries in PETSTORE_BIN_DIR before anything else', async () => {
    const bin = tempDir();
    for (const name of ['kwok', 'kwokctl']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }

    const stdout = await run('bash', [script, 'kwok'], {
      env: freshMachine({ PETSTORE_BIN_DIR: bin, PATH: pathWithoutGo }),
    });

    expect(stdout).toBe(`kwok=${bin}/kwok\nkwokctl=${bin}/kwokctl\n`);
  });
});

describe('npm run cluster -- up without binaries', () => {
  it('fails with the one provisioning message and no stack trace', async () => {
    const env = freshMachine({ PATH: pathWithoutGo, TMPDIR: tempDir(), KUBECONFIG: '' });

    const error = await failure(run(process.execPath, [cli, 'up'], { env }));

    expect(error.exitCode).toBe(1);
    expect(error.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(error.stderr).toMatch(/^error: no Go toolchain on PATH/m);
    expect(error.stderr).toContain('set PETSTORE_BIN_DIR');
    expect(error.stderr).not.toMatch(/^\s+at /m);
  });
});
