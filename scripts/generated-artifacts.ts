// The list of files generated from a single source; scripts/generate.ts writes them and tests compare them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { parse } from 'yaml';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const crdPath = 'crds/petstore.example.com_petstores.yaml';

/** Every CRD of the project (crds/ is the source), with the names of its generated TypeScript types. */
export const crdSources = [
  { path: crdPath, resource: 'petstores.petstore.example.com', typePrefix: 'PetStore', typesFile: 'petstore' },
  {
    path: 'crds/petstore.example.com_petstorebackups.yaml',
    resource: 'petstorebackups.petstore.example.com',
    typePrefix: 'PetStoreBackup',
    typesFile: 'petstorebackup',
  },
] as const;
type CrdSource = (typeof crdSources)[number];

export interface GeneratedArtifact {
  /** Path relative to the repository root. */
  path: string;
  /** Path of the source it is generated from. */
  source: string;
  content: string;
}

interface CrdDocument {
  spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: Record<string, JSONSchema> } } }[] };
}

/** A CRD's schema (the PetStore's by default), for tools and tests. */
export async function readCrd(source: string = crdPath): Promise<CrdDocument> {
  return parse(await readFile(path.join(repoRoot, source), 'utf8')) as CrdDocument;
}

async function crdTypes(source: CrdSource): Promise<GeneratedArtifact> {
  const crd = await readCrd(source.path);
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`${source.path} has no versions`);
  const { spec, status } = version.schema.openAPIV3Schema.properties;
  if (!spec || !status) throw new Error(`${source.path} lacks spec or status`);
  const options = {
    bannerComment: '',
    additionalProperties: false,
    format: false,
    strictIndexSignatures: true,
  } as const;
  const body = [
    await compile(toTypeSchema(spec), `${source.typePrefix}Spec`, options),
    await compile(toTypeSchema(status), `${source.typePrefix}Status`, options),
  ].join('\n');
  const { format } = await import('prettier');
  const content = await format(
    `// Generated from ${source.path} by scripts/generate.ts. Do not edit: edit the CRD and run \`node scripts/generate.ts\`.\n\n${body}`,
    { parser: 'typescript', printWidth: 120, singleQuote: true, trailingComma: 'all' },
  );
  return { path: `operator/src/api/${version.name}/${source.typesFile}.generated.ts`, source: source.path, content };
}

/** Kubernetes extensions JSON Schema does not know, mapped to plain JSON Schema for the type generator. */
function toTypeSchema(schema: JSONSchema): JSONSchema {
  const copy = structuredClone(schema) as JSONSchema & Record<string, unknown>;
  const visit = (node: Record<string, unknown>): void => {
    if (node['x-kubernetes-int-or-string'] === true) {
      delete node.anyOf;
      delete node.pattern;
      node.type = ['integer', 'string'];
    }
    // Defaults make fields present after admission; keep them optional in types only where the schema says so.
    for (const value of Object.values(node)) {
      if (value && typeof value === 'object') visit(value as Record<string, unknown>);
    }
  };
  visit(copy);
  return copy;
}

/** The CRD as the chart installs it: templated (so `helm upgrade` upgrades it) and kept on `helm uninstall`. */
async function chartCrd(source: CrdSource): Promise<GeneratedArtifact> {
  const crd = await readFile(path.join(repoRoot, source.path), 'utf8');
  const body = crd
    .replace(/^#.*\n/gm, '')
    .replace(
      /^metadata:\n {2}name: (.*)\n/m,
      'metadata:\n  name: $1\n  {{- if .Values.crds.keep }}\n  annotations:\n    helm.sh/resource-policy: keep\n  {{- end }}\n',
    );
  return {
    path: `charts/petstore-operator/templates/crds/${source.resource}.yaml`,
    source: source.path,
    content: `{{- if .Values.crds.enabled }}\n# Generated from ${source.path} by scripts/generate.ts. Do not edit.\n${body}{{- end }}\n`,
  };
}

/** kustomize cannot read files above its root, so config/crd carries a generated copy. */
async function kustomizeCrd(source: CrdSource): Promise<GeneratedArtifact> {
  const crd = await readFile(path.join(repoRoot, source.path), 'utf8');
  return {
    path: `config/crd/bases/${path.basename(source.path)}`,
    source: source.path,
    content: `# Generated from ${source.path} by scripts/generate.ts. Do not edit.\n${crd.replace(/^#.*\n/gm, '')}`,
  };
}

const permissionsPath = 'operator/src/permissions.ts';

/** The operator's rules for the namespaces it watches, as YAML flow lists (`quote` is how the core group '' looks). */
async function watchedRules(quote: string): Promise<string[]> {
  const { requiredPermissions } = await import('../operator/src/permissions.ts');
  const { rulesOf } = await import('../operator/src/k8s/rbac.ts');
  const list = (items: string[]) => `[${items.map((item) => (item === '' ? `${quote}${quote}` : item)).join(', ')}]`;
  return rulesOf(requiredPermissions.filter((permission) => permission.scope === 'watched')).map(
    (rule) =>
      `- apiGroups: ${list(rule.apiGroups)}\n  resources: ${list(rule.resources)}\n  verbs: ${list(rule.verbs)}\n`,
  );
}

/** The chart's rules template, included by its ClusterRole (or a Role per watched namespace). */
async function chartRules(): Promise<GeneratedArtifact> {
  const rules = (await watchedRules('"')).join('');
  return {
    path: 'charts/petstore-operator/templates/_rules.tpl',
    source: permissionsPath,
    content: `{{/*
Generated from ${permissionsPath} by scripts/generate.ts. Do not edit.
The operator's RBAC rules for the namespaces it watches: rendered into the ClusterRole, or into a Role per watched
namespace (templates/rbac.yaml). No wildcards.
*/}}
{{- define "petstore-operator.rules" -}}
${rules}{{- end }}
`,
  };
}

/** config/rbac's ClusterRole, for `kubectl apply -k config/default`. */
async function kustomizeRole(): Promise<GeneratedArtifact> {
  const indent = (rule: string) => rule.replace(/^(?=.)/gm, '  ');
  const rules = (await watchedRules("'")).map(indent).join('');
  return {
    path: 'config/rbac/role.yaml',
    source: permissionsPath,
    content: `# Generated from ${permissionsPath} by scripts/generate.ts. Do not edit.
# What the operator may do in every namespace, no wildcards.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: petstore-operator
  labels:
    app.kubernetes.io/name: petstore-operator
    app.kubernetes.io/instance: petstore-operator
    app.kubernetes.io/component: operator
    app.kubernetes.io/part-of: petstore
rules:
${rules}`,
  };
}

export async function generatedArtifacts(): Promise<GeneratedArtifact[]> {
  const crds: GeneratedArtifact[] = [];
  for (const source of crdSources)
    crds.push(await crdTypes(source), await chartCrd(source), await kustomizeCrd(source));
  return [...crds, await chartRules(), await kustomizeRole()];
}
