// Property-based conformance: Schemathesis (PyPI, installed by scripts/provision-tools.sh) generates requests from
// the OpenAPI document the API serves, valid and invalid, and checks every response: no 5xx, only documented status
// codes, headers and media types, bodies matching their schemas, invalid input refused, valid input accepted, 405
// with Allow for undocumented methods, deleted resources gone. A fixed seed and a bounded number of examples per
// operation keep each run the same and short. The checks it leaves off, and why: schemathesis/schemathesis.toml.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApi, testApiKey, type TestApi } from './support/api.ts';
import { engines } from './support/databases.ts';

const configFile = fileURLToPath(new URL('schemathesis/schemathesis.toml', import.meta.url));
const seed = '20261130';
const examplesPerOperation = '10';

async function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  // It keeps a cache in its working directory: a temporary one, not the checkout.
  const cwd = mkdtempSync(join(tmpdir(), 'petstore-schemathesis-'));
  const child = spawn('schemathesis', ['--config-file', configFile, 'run', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  void once(child, 'close').finally(() => rmSync(cwd, { recursive: true, force: true }));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [exit] = (await Promise.race([once(child, 'exit'), once(child, 'error')])) as [number | Error | null];
  if (exit instanceof Error) {
    throw new Error(
      `cannot run schemathesis (${exit.message}): run the tests through \`npm test\`, whose ` +
        'scripts/provision-tools.sh installs it (test/tools/requirements.txt) into the cached virtualenv',
    );
  }
  return { code: exit, output };
}

describe.each(engines)('Schemathesis against the served OpenAPI document on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    // The rate limit has its own tests; here it would only turn generated requests into 429s.
    api = await startTestApi(engine, { env: { RATE_LIMIT_REQUESTS: '0', LOG_LEVEL: 'warn' } });
  });
  afterAll(() => api.close());

  it('finds no server error, no undocumented status, header or media type, and no schema violation', async () => {
    const { code, output } = await schemathesis([
      `${api.origin}/api/v1/openapi.json`,
      '--seed',
      seed,
      '--max-examples',
      examplesPerOperation,
      '--header',
      `api_key: ${testApiKey}`,
    ]);
    if (code !== 0) throw new Error(`schemathesis exited with ${code}:\n${output}`);
    expect(output).toMatch(/Tested: 15\b/);
    expect(output).not.toContain(testApiKey);
  }, 600_000);
});
