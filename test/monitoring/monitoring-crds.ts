// The Prometheus Operator's monitoring.coreos.com CRDs for the local cluster (test/tools/provision-monitoring-crds.sh),
// optionally under another API group so a test can use them without changing what the whole cluster serves.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The directory holding the generated CRD files; generates them on first use (controller-gen, a few minutes). */
export function monitoringCrdDir(): string {
  try {
    return execFileSync('bash', [path.join(repoRoot, 'test/tools/provision-monitoring-crds.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  } catch (error) {
    throw new Error(
      'the monitoring.coreos.com CRDs are needed: `bash test/tools/provision-monitoring-crds.sh` failed (needs Go and the Go module proxy)',
      { cause: error },
    );
  }
}

interface Crd {
  metadata: { name: string };
  spec: { group: string; names: { plural: string } };
}

/** The CRD of `plural` (servicemonitors, prometheusrules, ...) as YAML, its group replaced by `group` when given. */
export function monitoringCrd(plural: string, group?: string): string {
  const crd = parse(readFileSync(path.join(monitoringCrdDir(), `monitoring.coreos.com_${plural}.yaml`), 'utf8')) as Crd;
  if (group) {
    crd.spec.group = group;
    crd.metadata.name = `${crd.spec.names.plural}.${group}`;
  }
  return stringify(crd);
}
