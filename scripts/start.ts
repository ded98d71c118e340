// `npm start`: the local quickstart on the embedded default. It brings up this checkout's local cluster (real
// kube-apiserver, controllers and scheduler; kwok simulates the nodes and pods), installs the CRD, runs the operator,
// applies examples/sqlite.yaml, waits for Ready, then serves the Pet Store API on SQLite at
// http://127.0.0.1:8080/api/v1. Ctrl-C stops the API and the operator; the cluster keeps running for kubectl
// (`npm run cluster -- down` stops it).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { up } from '../test/cluster/cluster.ts';
import { checkoutRunDir } from '../test/cluster/state.ts';
import { spawnOperator } from '../test/e2e/operator-process.ts';

const root = path.resolve(import.meta.dirname, '..');
const namespace = 'petstore-quickstart';
const say = (message: string) => process.stdout.write(`[quickstart] ${message}\n`);

const cluster = await up({ runDir: checkoutRunDir(), log: say });
const kubectlBinary = cluster.binaries?.kubectl ?? 'kubectl';
const kubectl = async (...args: string[]) =>
  (await promisify(execFile)(kubectlBinary, ['--kubeconfig', cluster.kubeconfig, ...args])).stdout;

say('installing the PetStore CRD');
await kubectl('apply', '--server-side', '--force-conflicts', '-f', path.join(root, 'crds'));
await kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd/petstores.petstore.example.com');

const logPath = path.join(cluster.runDir, 'quickstart-operator.log');
say(`starting the operator (log: ${logPath})`);
const operator = await spawnOperator({ kubeconfig: cluster.kubeconfig, logPath });
process.once('exit', () => operator.child.kill('SIGTERM'));

await kubectl('create', 'namespace', namespace).catch(() => undefined);
await kubectl('-n', namespace, 'apply', '--server-side', '-f', path.join(root, 'examples/sqlite.yaml'));
say('waiting for petstore/quickstart to be Ready');
await kubectl('-n', namespace, 'wait', '--for=condition=Ready', 'petstore/quickstart', '--timeout=120s');
process.stdout.write(`\n${await kubectl('-n', namespace, 'get', 'petstores', '-o', 'wide')}\n`);
say('the cluster is real (kube-apiserver, controller manager, scheduler); its nodes and pods are simulated by kwok,');
say('so the API pods above do not run a container. The same API runs here, on SQLite:');
say(`explore the cluster: eval "$(npm run -s cluster -- env)"; kubectl -n ${namespace} describe petstore quickstart`);

// The API alone, on its embedded SQLite default; its SIGINT/SIGTERM handler drains and exits, which stops the operator.
process.env.HOST ??= '127.0.0.1';
await import('../api/src/main.ts');
