/**
 * Jest global setup of the "cluster" project: starts one local cluster (and moto) for the whole run, or, when
 * KUBECONFIG is set, uses that cluster and starts only moto. Test workers find it through PETSTORE_CLUSTER_STATE
 * (read by fixtures.ts); KUBECONFIG and the AWS_* variables point every client of the run at it.
 */
import { dirname } from 'node:path';
import { up } from './cluster.ts';
import { ClusterError } from './errors.ts';
import { awsEnvironment } from './moto.ts';
import { type ClusterState, newRunDir, readState, stateEnvVar, statePath } from './state.ts';

/** The run directory this setup started, for the teardown (jest shares globalThis between the two). */
export const startedRunDir = Symbol.for('petstore.cluster.startedRunDir');

const log = (message: string): void => void process.stderr.write(`[cluster] ${message}\n`);

export default async function globalSetup(): Promise<void> {
  const state = await clusterForThisRun();
  process.env[stateEnvVar] = statePath(state.runDir);
  process.env.KUBECONFIG = state.kubeconfig;
  // Any AWS SDK client of the run talks to moto, never to a real account.
  if (state.moto) Object.assign(process.env, awsEnvironment(state.moto));
}

async function clusterForThisRun(): Promise<ClusterState> {
  const kubeconfig = process.env.KUBECONFIG;
  if (kubeconfig) {
    // A cluster from `npm run cluster -- up` keeps its state next to its kubeconfig: use all of it, stop nothing.
    const own = readState(dirname(kubeconfig));
    if (own?.kubeconfig === kubeconfig) {
      if (!own.ready) throw new ClusterError(`the cluster in ${own.runDir} is not ready; run: npm run cluster -- up`);
      log(`using the running cluster from KUBECONFIG=${kubeconfig}`);
      return own;
    }
    log(`using the cluster KUBECONFIG names (${kubeconfig}); starting moto only`);
  }
  const runDir = newRunDir();
  (globalThis as Record<symbol, unknown>)[startedRunDir] = runDir;
  return up({
    runDir,
    ownerPid: process.pid,
    ...(kubeconfig ? { externalKubeconfig: kubeconfig } : {}),
    log,
  });
}
