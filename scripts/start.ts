// `npm start`: the local quickstart on the embedded default. It brings up this checkout's local cluster (real
// kube-apiserver, controllers and scheduler, a real node with containerd, and kwok's simulated nodes), builds the API
// image from Dockerfile.api into the node, installs the CRD, runs the operator, applies examples/sqlite.yaml in a
// namespace whose pods go to the real node, waits for Ready, then forwards http://127.0.0.1:8080 to the PetStore's
// Service: the API you talk to is the pod the operator built.
// `npm start -- --host-api` keeps the earlier mode: no real node; the API runs as a process on this machine.
// Ctrl-C stops the port-forward (or the API) and the operator; the cluster keeps running for kubectl
// (`npm run cluster -- down` stops it).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { operatorRdsEnvironment, up } from '../test/cluster/cluster.ts';
import { awsEnvironment } from '../test/cluster/moto.ts';
import { realNodeNamespaceAnnotations } from '../test/cluster/node-config.ts';
import { checkoutRunDir } from '../test/cluster/state.ts';
import { spawnOperator } from '../test/e2e/operator-process.ts';

const root = path.resolve(import.meta.dirname, '..');
const namespace = 'petstore-quickstart';
const say = (message: string) => process.stdout.write(`[quickstart] ${message}\n`);
const hostApi = process.argv.includes('--host-api');
const unknown = process.argv.slice(2).filter((arg) => arg !== '--host-api');
if (unknown.length > 0) {
  process.stderr.write(`unknown option ${unknown.join(' ')}; usage: npm start [-- --host-api]\n`);
  process.exit(2);
}

const cluster = await up({ runDir: checkoutRunDir(), log: say, realNode: !hostApi });
const kubectlBinary = cluster.binaries?.kubectl ?? 'kubectl';
const kubectl = async (...args: string[]) =>
  (await promisify(execFile)(kubectlBinary, ['--kubeconfig', cluster.kubeconfig, ...args])).stdout;

say('installing the PetStore and PetStoreBackup CRDs');
await kubectl('apply', '--server-side', '--force-conflicts', '-f', path.join(root, 'crds'));
await kubectl(
  'wait',
  '--for=condition=Established',
  '--timeout=60s',
  'crd/petstores.petstore.example.com',
  'crd/petstorebackups.petstore.example.com',
);

const apiImage = cluster.realNode?.images.api.ref;
const logPath = path.join(cluster.runDir, 'quickstart-operator.log');
say(`starting the operator (log: ${logPath})${apiImage ? `; its default API image is ${apiImage}` : ''}`);
// rds PetStores work too: the operator's RDS settings point at moto's network (examples/rds-production.yaml).
const operator = await spawnOperator({
  kubeconfig: cluster.kubeconfig,
  logPath,
  env: {
    ...(cluster.moto ? { ...awsEnvironment(cluster.moto), ...operatorRdsEnvironment(cluster.moto) } : {}),
    ...(apiImage ? { PETSTORE_API_IMAGE: apiImage } : {}),
  },
});
process.once('exit', () => operator.child.kill('SIGTERM'));

await applyNamespace();
await kubectl('-n', namespace, 'apply', '--server-side', '-f', path.join(root, 'examples/sqlite.yaml'));
say('waiting for petstore/quickstart to be Ready');
await kubectl('-n', namespace, 'wait', '--for=condition=Ready', 'petstore/quickstart', '--timeout=300s');
process.stdout.write(`\n${await kubectl('-n', namespace, 'get', 'petstores', '-o', 'wide')}\n`);
say(`explore the cluster: eval "$(npm run -s cluster -- env)"; kubectl -n ${namespace} describe petstore quickstart`);

if (hostApi) {
  say('the cluster is real (kube-apiserver, controller manager, scheduler); its nodes and pods are simulated by kwok,');
  say('so the API pods above do not run a container. The same API runs here, on SQLite:');
  // The API alone, on its embedded SQLite default; its SIGINT/SIGTERM handler drains and exits, which stops the operator.
  process.env.HOST ??= '127.0.0.1';
  await import('../api/src/main.ts');
} else {
  say(`the API pod runs on the real node; serving it at http://127.0.0.1:8080/api/v1 (kubectl port-forward)`);
  say(
    `reads are open; writes need the PetStore's API key (header api_key): kubectl -n ${namespace} get secret ` +
      `quickstart-api-keys -o jsonpath='{.data.keys}' | base64 -d`,
  );
  const forward = spawn(
    kubectlBinary,
    [
      '--kubeconfig',
      cluster.kubeconfig,
      '-n',
      namespace,
      'port-forward',
      '--address=127.0.0.1',
      'service/quickstart',
      '8080:80',
    ],
    { stdio: 'inherit' },
  );
  const stop = () => forward.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await new Promise<number | null>((resolve) => forward.once('exit', resolve));
  process.exit(code ?? 0);
}

/** The quickstart namespace: restricted Pod Security, and (with the real node) its pods placed on the real node. */
async function applyNamespace(): Promise<void> {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      ...(hostApi ? {} : { annotations: realNodeNamespaceAnnotations }),
    },
  };
  const child = spawn(
    kubectlBinary,
    ['--kubeconfig', cluster.kubeconfig, 'apply', '--server-side', '--field-manager=petstore-quickstart', '-f', '-'],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  child.stdin.end(JSON.stringify(manifest));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`could not apply namespace ${namespace}`);
}
