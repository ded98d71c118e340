// Configuration backup (issue 15, item 3): every PetStore of the cluster (or of the namespaces named) as a YAML List
// that re-applies cleanly to a new cluster. `kubectl get petstores -A -o yaml` is not that: it carries what the API
// server and the operator own (uid, resourceVersion, generation, managedFields, finalizers, status), which a new
// cluster refuses or must not take. Kept: apiVersion, kind, name, namespace, the users' labels and annotations, spec.
//
//   npm run -s export-petstores > petstores.yaml            # every namespace
//   npm run -s export-petstores -- shop staging > part.yaml  # these namespaces only
//   kubectl apply --server-side -f petstores.yaml            # on the new cluster, once the operator runs
//
// The file holds no secret: the Secrets a PetStore names (spec.database.external.secretName) and the API keys the
// operator generated (`<name>-api-keys`) are not in it (docs/runbook.md, Configuration backup, says how to carry them).
import { execFileSync } from 'node:child_process';
import { stringify } from 'yaml';

/** Annotations a client or the server writes, not the user's configuration. */
const serverAnnotations = ['kubectl.kubernetes.io/last-applied-configuration'];

interface PetStoreObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
}

/** The PetStore as its users wrote it: identity, their labels and annotations, spec. */
export function exportable(petStore: PetStoreObject): PetStoreObject {
  const { name, namespace, labels, annotations } = petStore.metadata;
  const kept = Object.fromEntries(
    Object.entries(annotations ?? {}).filter(([key]) => !serverAnnotations.includes(key)),
  );
  return {
    apiVersion: petStore.apiVersion,
    kind: petStore.kind,
    metadata: {
      name,
      namespace,
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(kept).length > 0 ? { annotations: kept } : {}),
    },
    ...(petStore.spec === undefined ? {} : { spec: petStore.spec }),
  };
}

function list(namespace: string | undefined): PetStoreObject[] {
  const scope = namespace ? ['-n', namespace] : ['-A'];
  const out = execFileSync('kubectl', ['get', 'petstores.petstore.example.com', ...scope, '-o', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return (JSON.parse(out) as { items: PetStoreObject[] }).items;
}

if (import.meta.main) {
  const namespaces = process.argv.slice(2);
  const items = (namespaces.length > 0 ? namespaces.flatMap((ns) => list(ns)) : list(undefined))
    .map(exportable)
    .sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  process.stdout.write(
    `# ${String(items.length)} PetStores exported ${new Date().toISOString()}; apply with kubectl apply --server-side -f\n` +
      stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}
