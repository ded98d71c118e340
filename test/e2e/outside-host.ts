// Listeners on the real node's outside host (realNodeNetwork.outsideHost, a network namespace routed through the
// node): what pods reach as "somewhere beyond the node". socat runs in the namespace; the node's teardown stops
// whatever a test leaves there.
import { type ChildProcess, spawn } from 'node:child_process';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { run } from '../cluster/processes.ts';
import { waitFor } from '../cluster/wait.ts';

export interface Listener {
  stop(): void;
}

/**
 * Listens on the outside host's address at `port`: each connection is forwarded to `forwardTo` (host:port, reached
 * from the namespace through the node), or, without it, answered with one line and closed.
 */
export async function listenOutside(port: number, forwardTo?: string): Promise<Listener> {
  const { netns, address } = realNodeNetwork.outsideHost;
  const child: ChildProcess = spawn(
    'ip',
    [
      'netns',
      'exec',
      netns,
      'socat',
      `TCP-LISTEN:${String(port)},bind=${address},reuseaddr,fork`,
      forwardTo ? `TCP:${forwardTo}` : 'SYSTEM:echo outside host',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const listening = async (): Promise<boolean> =>
    (await run('ip', ['netns', 'exec', netns, 'ss', '-Hltn', `sport = :${String(port)}`])).includes(
      `${address}:${String(port)}`,
    );
  await Promise.race([
    waitFor(listening, 10_000, `socat to listen on ${address}:${String(port)} in ${netns}`, 100),
    exited.then((code) => {
      throw new Error(`socat on ${address}:${String(port)} in ${netns} exited with ${String(code)}`);
    }),
  ]);
  return { stop: () => void child.kill('SIGTERM') };
}
