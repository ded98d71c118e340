// Acting as a ServiceAccount from outside the cluster: a kubeconfig with its token, and what the audit log says it did.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { auditLogPath, kubeConfig, kubectl } from '../cluster/fixtures.ts';
import { CommandError } from '../cluster/processes.ts';
import { scratchDir } from '../scratch.ts';

/**
 * A kubeconfig file that authenticates as the ServiceAccount with a bound token (`kubectl create token`), against the
 * test cluster's API server and CA: what a pod with that ServiceAccount would use.
 */
export async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const token = (await kubectl(['create', 'token', name, '-n', namespace, '--duration=2h'])).trim();
  const cluster = kubeConfig().getCurrentCluster();
  if (!cluster) throw new Error('the test cluster kubeconfig has no current cluster');
  const user = `system:serviceaccount:${namespace}:${name}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'test',
        cluster: {
          server: cluster.server,
          ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
          ...(cluster.caFile ? { 'certificate-authority': cluster.caFile } : {}),
          ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'test', user, namespace } }],
    'current-context': user,
  };
  const file = path.join(scratchDir('sa-kubeconfig-'), 'kubeconfig');
  writeFileSync(file, stringify(config));
  chmodSync(file, 0o600);
  return file;
}

/** One request in the API server's audit log (level Metadata). */
export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number; message?: string };
}

/** Every request the user made, from the audit log: once each (a watch is logged when it starts and when it ends). */
export function auditEventsOf(username: string): AuditEvent[] {
  const events = new Map<string, AuditEvent>();
  for (const line of readFileSync(auditLogPath(), 'utf8').split('\n')) {
    if (!line.includes(username)) continue;
    const event = JSON.parse(line) as AuditEvent;
    if (event.user.username === username) events.set(event.auditID, event);
  }
  return [...events.values()];
}

/** Asks the API server's authorizer whether `user` may do `verb` on `resource` (`kubectl auth can-i`). */
export async function canI(
  user: string,
  verb: string,
  resource: string,
  namespace: string,
  subresource?: string,
): Promise<'yes' | 'no'> {
  try {
    const sub = subresource ? [`--subresource=${subresource}`] : [];
    await kubectl(['auth', 'can-i', verb, resource, ...sub, '-n', namespace, `--as=${user}`]);
    return 'yes';
  } catch (error) {
    // can-i answers "no" with exit code 1; anything else is a real failure.
    if (error instanceof CommandError && error.exitCode === 1) return 'no';
    throw error;
  }
}
