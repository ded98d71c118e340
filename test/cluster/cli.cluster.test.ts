import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { isAlive, run } from './processes.ts';
import { readState } from './state.ts';

// A private TMPDIR gives this file a cluster of its own: `npm run cluster` keeps one per checkout under TMPDIR, and
// restarting the API server must not disturb the cluster the other test files share.
const tmp = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
const cli = fileURLToPath(new URL('cli.ts', import.meta.url));
const env = { ...process.env, TMPDIR: tmp, KUBECONFIG: '' };
const npmRunCluster = (...args: string[]) => run(process.execPath, [cli, ...args], { env });
const kubectlOn = (kubeconfig: string, args: string[]) =>
  run(`${tmp}/${runDirName()}/bin/kubectl`, ['--kubeconfig', kubeconfig, ...args]);
const runDirName = () => readdirSync(tmp).find((name) => name.startsWith('petstore-cluster-'))!;

/** Processes whose command line mentions `dir` (the cluster's components all run from inside their run directory). */
function processesUnder(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

afterAll(async () => {
  await npmRunCluster('down').catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm run cluster', () => {
  it('brings a cluster up once, restarts its API server in place, and leaves no process behind when down', async () => {
    // Without the real node: one real node runs per machine, and this run's own may hold it (real-node tests).
    const kubeconfig = (await npmRunCluster('up', '--no-real-node')).trim();
    const runDir = join(tmp, runDirName());
    const state = readState(runDir)!;
    expect(kubeconfig).toBe(join(runDir, 'kubeconfig.yaml'));

    // A second `up` reuses the running cluster; `env` prints what a shell needs.
    expect((await npmRunCluster('up', '--no-real-node')).trim()).toBe(kubeconfig);
    const exports = await npmRunCluster('env');
    expect(exports).toContain(`export KUBECONFIG='${kubeconfig}'`);
    expect(exports).toContain(`export AWS_ENDPOINT_URL='${state.moto!.endpoint}'`);
    expect(exports).toMatch(/^export AWS_REGION='us-west-2'$/m);
    expect(exports).toContain(`export PATH='${runDir}/bin':"$PATH"`);
    // What `npm run operator` needs for rds PetStores against moto (examples/rds-production.yaml).
    expect(exports).toContain(`export RDS_DB_SUBNET_GROUP='${state.moto!.network.dbSubnetGroupName}'`);
    expect(exports).toContain(`export RDS_SECURITY_GROUP_IDS='${state.moto!.network.securityGroupId}'`);
    expect(exports).toMatch(/^export CLUSTER_NAME='petstore-local'$/m);

    await kubectlOn(kubeconfig, ['create', 'configmap', 'survivor', '--from-literal=kept=yes']);
    await npmRunCluster('restart-apiserver');
    // Same port and etcd data; the controllers, scheduler and kwok kept running and still act.
    expect(await kubectlOn(kubeconfig, ['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.kept}'])).toBe('yes');
    expect(await kubectlOn(kubeconfig, ['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'])).toBe(
      state.controlPlane!.server,
    );
    await kubectlOn(kubeconfig, ['create', 'deployment', 'after-restart', '--image=registry.k8s.io/pause:3.10']);
    await kubectlOn(kubeconfig, ['wait', '--for=condition=Available', 'deployment/after-restart', '--timeout=60s']);

    const pids = processesUnder(runDir);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    await npmRunCluster('down');

    expect(pids.filter(isAlive)).toEqual([]);
    expect(isAlive(state.moto!.pid)).toBe(false);
    expect(readdirSync(tmp).filter((name) => name.startsWith('petstore-cluster-'))).toEqual([]);
  });
});
