// TEMPORARY dev adapter until test/cluster/fixtures.ts lands: a private API server started by /tmp/rtdev/up.sh.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';

const run = promisify(execFile);

export interface TestCluster {
  readonly kubeconfigPath: string;
  readonly namespace: string;
  kubeConfig(): KubeConfig;
  kubectl(args: readonly string[], input?: string): Promise<string>;
  restartApiServer(): Promise<void>;
}

const kubectlPath = `${homedir()}/.cache/petstore-operator/bin/kubernetes-1.36.3/kubectl`;

export async function testCluster(name: string): Promise<TestCluster> {
  const kubeconfigPath = process.env.RUNTIME_DEV_KUBECONFIG ?? '/tmp/rtdev/kubeconfig';
  const namespace = `${name}-${Math.random().toString(36).slice(2, 7)}`;
  const kubectl = async (args: readonly string[], input?: string): Promise<string> => {
    const child = run(kubectlPath, ['--kubeconfig', kubeconfigPath, ...args], { maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };
  await kubectl(['create', 'namespace', namespace]);
  return {
    kubeconfigPath,
    namespace,
    kubeConfig: () => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      return kc;
    },
    kubectl,
    async restartApiServer() {
      const pid = Number(readFileSync('/tmp/rtdev/apiserver.pid', 'utf8'));
      process.kill(pid, 'SIGKILL');
      for (;;) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 100));
        } catch {
          break;
        }
      }
      await run('/tmp/rtdev/apiserver.sh');
      for (let i = 0; i < 600; i++) {
        try {
          await kubectl(['get', '--raw', '/readyz']);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      throw new Error('API server did not come back');
    },
  };
}
