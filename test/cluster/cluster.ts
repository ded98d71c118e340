import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Binaries, motoServerBinary, provisionBinaries } from './binaries.ts';
import {
  controlPlaneHealthy,
  createControlPlane,
  deleteControlPlane,
  planControlPlane,
  startControlPlane,
} from './control-plane.ts';
import { ClusterError } from './errors.ts';
import { awsEnvironment, awsRegion, type Moto, motoHealthy, startMoto } from './moto.ts';
import { ensureFakeNodes } from './nodes.ts';
import { isAlive, run, stopProcess } from './processes.ts';
import { realNodeHealthy, startRealNode, stopRealNode } from './real-node.ts';
import { type ClusterState, isRunDir, orphanedRunDirs, readState, writeState } from './state.ts';
import { waitFor } from './wait.ts';

export interface UpOptions {
  runDir: string;
  /** Tie the cluster to this process: a later `up` stops it once the process is gone. */
  ownerPid?: number;
  /** Use this cluster instead of starting one (moto, kubectl and helm are still provided). */
  externalKubeconfig?: string;
  /** Also start the real node (real-node.ts); without it a running one is kept, and none is started. */
  realNode?: boolean;
  log?: (message: string) => void;
}

/**
 * Brings up (or finds running) a cluster in `runDir`: control plane, fake nodes and moto. Idempotent: a healthy
 * cluster is reused as is, a stopped one is restarted on its ports and data. On failure it stops what it started.
 */
export async function up(options: UpOptions): Promise<ClusterState> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  await Promise.all(orphanedRunDirs(isAlive).map((dir) => down(dir)));
  mkdirSync(options.runDir, { recursive: true });
  const previous = readState(options.runDir);
  if (previous?.ready && (await healthy(previous))) {
    log(`reusing the running cluster in ${options.runDir}`);
    if (options.realNode && !(previous.realNode && realNodeHealthy(previous.realNode))) {
      return ensureRealNode(options.runDir, log);
    }
    return previous;
  }
  const state: ClusterState = {
    ...previous,
    runDir: options.runDir,
    ...(options.ownerPid === undefined ? {} : { ownerPid: options.ownerPid }),
    kubeconfig: options.externalKubeconfig ?? join(options.runDir, 'kubeconfig.yaml'),
    ready: false,
  };
  writeState(state);
  try {
    const binaries = await provisionBinaries();
    const motoServer = await motoServerBinary();
    state.binaries = binaries;
    state.binDir = linkClientBinaries(options.runDir, binaries);
    writeState(state);
    const [controlPlane, moto] = await Promise.allSettled([
      options.externalKubeconfig === undefined ? ensureControlPlane(state, binaries, log) : Promise.resolve(),
      ensureMoto(state, motoServer, log),
    ]);
    for (const result of [controlPlane, moto]) if (result.status === 'rejected') throw result.reason;
    if (options.externalKubeconfig === undefined) {
      await ensureFakeNodes(binaries.kubectl, state.kubeconfig, awsRegion);
      // The default ServiceAccount appearing proves kube-controller-manager is working.
      await waitFor(
        () => run(binaries.kubectl, ['--kubeconfig', state.kubeconfig, 'get', 'serviceaccount', 'default']),
        60_000,
        'kube-controller-manager to create the default ServiceAccount',
      );
    }
    state.ready = true;
    writeState(state);
    if (options.realNode && options.externalKubeconfig === undefined) {
      await stopRealNode(state); // a node left from before a reboot: start it afresh
      delete state.realNode;
      state.realNode = await startRealNode(state, log);
      writeState(state);
    }
    log(`cluster ready in ${((Date.now() - started) / 1000).toFixed(1)}s (run directory ${options.runDir})`);
    return state;
  } catch (error) {
    if (previous === undefined) await down(options.runDir).catch(() => undefined);
    throw error;
  }
}

/** Stops every process of the cluster in `runDir` and removes the directory. Safe to call twice. */
export async function down(runDir: string): Promise<void> {
  if (!isRunDir(runDir)) throw new ClusterError(`refusing to remove ${runDir}: not a petstore-cluster run directory`);
  const state = readState(runDir);
  // The node first: its pods are deleted through the API server, so the kubelet unwinds them the normal way.
  if (state?.realNode) await stopRealNode(state);
  if (state?.controlPlane) await deleteControlPlane(state.controlPlane);
  if (state?.moto) await stopProcess(state.moto.pid, 5_000);
  rmSync(runDir, { recursive: true, force: true });
}

/**
 * Starts the real node of a running cluster, once: concurrent callers (jest workers) wait for the first one's start.
 * Resolves with the state that records it.
 */
export async function ensureRealNode(runDir: string, log: (message: string) => void): Promise<ClusterState> {
  const marker = join(runDir, 'real-node.starting');
  for (;;) {
    const state = readState(runDir);
    if (!state?.ready) throw new ClusterError(`no ready cluster in ${runDir}`);
    if (state.realNode?.ready && realNodeHealthy(state.realNode)) return state;
    try {
      mkdirSync(marker);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue;
    }
    try {
      if (state.realNode) await stopRealNode(state);
      delete state.realNode;
      state.realNode = await startRealNode(state, log);
      writeState(state);
      return state;
    } finally {
      rmSync(marker, { recursive: true, force: true });
    }
  }
}

/**
 * The shell lines that point kubectl, helm and the AWS SDK at this cluster, for `eval "$(npm run -s cluster -- env)"`,
 * plus what `npm run operator` needs: the API image built for the real node, and the moto network for rds PetStores.
 */
export function envExports(state: ClusterState): string {
  const variables: Record<string, string> = {
    KUBECONFIG: state.kubeconfig,
    ...(state.moto ? awsEnvironment(state.moto) : {}),
    ...(state.moto ? operatorRdsEnvironment(state.moto) : {}),
    ...(state.realNode?.ready ? { PETSTORE_API_IMAGE: state.realNode.images.api.ref } : {}),
  };
  const lines = Object.entries(variables).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  if (state.binDir) lines.push(`export PATH=${shellQuote(state.binDir)}:"$PATH"`);
  return `${lines.join('\n')}\n`;
}

/** The operator's RDS settings (operator-config.ts) for the network created in moto: rds PetStores work locally. */
export function operatorRdsEnvironment(moto: Moto): Record<string, string> {
  return {
    RDS_DB_SUBNET_GROUP: moto.network.dbSubnetGroupName,
    RDS_SECURITY_GROUP_IDS: moto.network.securityGroupId,
    CLUSTER_NAME: 'petstore-local',
  };
}

async function healthy(state: ClusterState): Promise<boolean> {
  const controlPlane = state.controlPlane === undefined || (await controlPlaneHealthy(state.controlPlane));
  return controlPlane && state.moto !== undefined && (await motoHealthy(state.moto));
}

async function ensureControlPlane(
  state: ClusterState,
  binaries: Binaries,
  log: (message: string) => void,
): Promise<void> {
  const started = Date.now();
  if (state.controlPlane && existsSync(join(state.runDir, 'clusters', state.controlPlane.name))) {
    if (await controlPlaneHealthy(state.controlPlane)) return;
    await startControlPlane(state.controlPlane);
  } else {
    state.controlPlane = await planControlPlane(state.runDir, binaries);
    writeState(state);
    await createControlPlane(state.controlPlane);
  }
  log(`control plane serving at ${state.controlPlane.server} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function ensureMoto(state: ClusterState, motoServer: string, log: (message: string) => void): Promise<Moto> {
  if (state.moto && (await motoHealthy(state.moto))) return state.moto;
  const started = Date.now();
  state.moto = await startMoto(state.runDir, motoServer);
  writeState(state);
  log(`moto serving at ${state.moto.endpoint} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return state.moto;
}

/** `<runDir>/bin` with just kubectl and helm, so PATH gains those two and not the server binaries next to them. */
function linkClientBinaries(runDir: string, binaries: Binaries): string {
  const binDir = join(runDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const name of ['kubectl', 'helm'] as const) {
    rmSync(join(binDir, name), { force: true });
    symlinkSync(binaries[name], join(binDir, name));
  }
  return binDir;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
