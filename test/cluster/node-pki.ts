import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from './processes.ts';

/**
 * A client certificate signed by the cluster's CA (kwokctl's PKI) and a kubeconfig that uses it, so the kubelet
 * authenticates as `system:node:<name>` (the Node authorizer then limits it to its own pods' objects) and kube-proxy as
 * `system:kube-proxy` (bound to system:node-proxier by default), instead of borrowing the admin certificate.
 */
export async function writeClientKubeconfig(options: {
  pkiDir: string;
  dir: string;
  name: string;
  commonName: string;
  organization?: string;
  server: string;
  file: string;
}): Promise<void> {
  const key = join(options.dir, `${options.name}.key`);
  const csr = join(options.dir, `${options.name}.csr`);
  const cert = join(options.dir, `${options.name}.crt`);
  const subject = `${options.organization ? `/O=${options.organization}` : ''}/CN=${options.commonName}`;
  await run('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subject, '-out', csr]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(options.pkiDir, 'ca.crt'),
    '-CAkey',
    join(options.pkiDir, 'ca.key'),
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '30',
    '-out',
    cert,
  ]);
  writeFileSync(
    options.file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'local',
          cluster: { server: options.server, 'certificate-authority': join(options.pkiDir, 'ca.crt') },
        },
      ],
      users: [{ name: options.name, user: { 'client-certificate': cert, 'client-key': key } }],
      contexts: [{ name: options.name, context: { cluster: 'local', user: options.name } }],
      'current-context': options.name,
    }),
    { mode: 0o600 },
  );
}
