// Runs an API entry point (main.ts, migrate.ts, or the built image command) as a real process, collecting its JSON logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { waitFor } from './wait.ts';

export interface ApiProcess {
  child: ChildProcess;
  /** Every stdout line so far, parsed when it is JSON. */
  lines: Record<string, unknown>[];
  output(): string;
  exited: Promise<number | null>;
}

export const nodeBinary = process.execPath;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Spawns `command` with only `env` (plus PATH) in its environment. */
export function spawnApi(command: string[], env: Record<string, string>, cwd?: string): ApiProcess {
  const [file = nodeBinary, ...args] = command;
  const child = spawn(file, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const lines: Record<string, unknown>[] = [];
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, lines, output: () => text, exited };
}

/** Waits for the server's "listening" log line; fails with the process output when it exits first. */
export async function waitUntilListening(api: ApiProcess, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | null | undefined;
  void api.exited.then((code) => (exitCode = code));
  await waitFor(
    'the server to listen',
    () => {
      if (exitCode !== undefined) throw new Error(`the server exited with ${exitCode}:\n${api.output()}`);
      return api.lines.some((line) => line.msg === 'listening');
    },
    timeoutMs,
  );
}
