// End-to-end fixtures: the PetStore CRD installed on the test cluster, and the operator as a real process with its
// log registered for the failure dump.
import path from 'node:path';
import { cluster, kubectl, registerLogFile } from '../cluster/fixtures.ts';
import { repoRoot, spawnOperator, type OperatorProcess } from './operator-process.ts';
import { scratchDir } from '../scratch.ts';

export { writeRequests, type OperatorProcess } from './operator-process.ts';

const crdDir = path.join(repoRoot, 'crds');

/** Applies crds/ (server-side, idempotent: test files may race) and waits until the API serves PetStores and PetStoreBackups. */
export async function installCrd(): Promise<void> {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdDir]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/petstores.petstore.example.com',
    'crd/petstorebackups.petstore.example.com',
  ]);
}

export interface OperatorOptions {
  /** Extra flags, e.g. ['--namespaces=a,b']. Leader election is off unless a flag turns it on. */
  args?: string[];
  env?: Record<string, string>;
  /** A kubeconfig other than the admin one (e.g. the chart ServiceAccount's token). */
  kubeconfig?: string;
  label?: string;
}

/** Starts the operator against the test cluster, debug-logging into a file dumped when a test fails. */
export async function startOperator(options: OperatorOptions = {}): Promise<OperatorProcess> {
  const logPath = path.join(scratchDir('petstore-operator-'), 'operator.log');
  registerLogFile(logPath, options.label ?? 'operator log');
  return spawnOperator({
    kubeconfig: options.kubeconfig ?? cluster().kubeconfig,
    logPath,
    ...(options.args ? { args: options.args } : {}),
    env: { LOG_LEVEL: 'debug', ...options.env },
  });
}
