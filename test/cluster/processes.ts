import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { waitFor } from './wait.ts';

/** A command that exited non-zero; the message carries its stderr, which is what explains the failure. */
export class CommandError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(command: string, exitCode: number | null, stderr: string) {
    super(`${command} failed (exit code ${String(exitCode)})${stderr.trim() ? `:\n${stderr.trim()}` : ''}`);
    this.name = 'CommandError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to the command's stdin. */
  input?: string;
  /** Where stderr goes: captured into the error (default) or passed through to ours (long builds show progress). */
  stderr?: 'capture' | 'inherit';
}

/** Runs a command to completion and resolves with its stdout; rejects with a CommandError carrying its stderr. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const command = [basename(file), ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      stdio: [
        options.input === undefined ? 'ignore' : 'pipe',
        'pipe',
        options.stderr === 'inherit' ? 'inherit' : 'pipe',
      ],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => reject(new CommandError(command, null, error.message)));
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new CommandError(command, code, Buffer.concat(stderr).toString('utf8')));
    });
    // A command may exit without reading its input; its exit status, not EPIPE, is the result.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}

/**
 * Starts a long-running process in its own session (so a Ctrl-C in the terminal that started it does not stop it),
 * with stdout and stderr appended to `logFile`, and returns its pid once it has been spawned.
 */
export async function spawnDetached(
  file: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', log, log], env });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`${file} has no pid`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): signal 0 is all we have
  }
}

/**
 * Stops a process: SIGTERM, then SIGKILL when it is still running after `graceMs`. Resolves once it is gone, so
 * callers can reuse its port or data directory at once.
 */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  try {
    await waitFor(() => !isAlive(pid), graceMs, `process ${String(pid)} to exit`, 100);
  } catch {
    signal(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5_000, `process ${String(pid)} to exit after SIGKILL`, 100);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
