/**
 * `npm run cluster -- <command>`: this checkout's local Kubernetes cluster (and moto), for the quickstart, manual
 * checks and benchmarks. Tests do not need it: their global setup starts a cluster of their own.
 *   up [--no-real-node] start it (with the real node, unless told not to), or reuse the running one; prints the
 *                       kubeconfig path
 *   env                 print the exports for a shell: eval "$(npm run -s cluster -- env)"
 *   down                stop every process and delete the run directory
 *   restart-apiserver   stop and start kube-apiserver on the same port and data
 */
import { down, envExports, up } from './cluster.ts';
import { restartApiServer } from './control-plane.ts';
import { ClusterError } from './errors.ts';
import { checkoutRunDir, readState } from './state.ts';

const usage = 'usage: npm run cluster -- up [--no-real-node] | env | down | restart-apiserver';
const log = (message: string): void => void process.stderr.write(`[cluster] ${message}\n`);

async function main(command: string | undefined, options: readonly string[]): Promise<void> {
  const runDir = checkoutRunDir();
  const unknown = options.filter((option) => option !== '--no-real-node');
  if (unknown.length > 0 || (command !== 'up' && options.length > 0)) {
    throw new ClusterError(`unknown option ${[...unknown, ...options].join(' ')}\n${usage}`);
  }
  switch (command) {
    case 'up': {
      const state = await up({ runDir, log, realNode: !options.includes('--no-real-node') });
      log('point a shell at it with: eval "$(npm run -s cluster -- env)"');
      process.stdout.write(`${state.kubeconfig}\n`);
      return;
    }
    case 'env':
      process.stdout.write(envExports(runningState(runDir)));
      return;
    case 'down':
      await down(runDir);
      log(`stopped; ${runDir} removed`);
      return;
    case 'restart-apiserver': {
      const controlPlane = runningState(runDir).controlPlane;
      if (!controlPlane) throw new ClusterError('this checkout has no local control plane');
      await restartApiServer(controlPlane);
      log(`kube-apiserver restarted at ${controlPlane.server}`);
      return;
    }
    default:
      throw new ClusterError(usage);
  }
}

function runningState(runDir: string) {
  const state = readState(runDir);
  if (!state?.ready)
    throw new ClusterError('no cluster from this checkout is running; start it with: npm run cluster -- up');
  return state;
}

try {
  await main(process.argv[2], process.argv.slice(3));
} catch (error) {
  // Expected failures carry a message that says what to do; anything else keeps its stack for a bug report.
  if (!(error instanceof ClusterError)) process.stderr.write(`error: ${String((error as Error).stack ?? error)}\n`);
  else if (!error.reported) process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}
