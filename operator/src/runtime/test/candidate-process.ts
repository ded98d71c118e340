// Runs test/lease-candidate.ts as a separate operator process and follows its JSON log.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('lease-candidate.ts', import.meta.url));

interface LogLine {
  msg?: string;
  event?: string;
}

export interface CandidateProcess {
  readonly identity: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Whether a log line with this message has been written. */
  logged(msg: string): boolean;
  /** How many reconciles this process ran. */
  reconciles(): number;
  /** Everything it wrote, for failure messages. */
  output(): string;
}

export function startCandidate(kubeconfig: string, identity: string, flags: readonly string[]): CandidateProcess {
  const child = spawn(process.execPath, [script, kubeconfig, identity, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let raw = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    identity,
    child,
    exited,
    logged: (msg) => lines.some((line) => line.msg === msg),
    reconciles: () => lines.filter((line) => line.event === 'reconcile').length,
    output: () => raw,
  };
}
