// Configuration backup round trip (issue 15, item 3): scripts/export-petstores.ts exports PetStores the operator has
// reconciled (finalizers, status, server fields on them), the originals are deleted, and the export applies cleanly and
// gives back the same PetStores: same spec, labels and annotations, and nothing the server or the operator owns.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { cluster, kubectl, useNamespace } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { repoRoot } from './operator-process.ts';

const exec = promisify(execFile);
const first = useNamespace();
const second = useNamespace();
let operator: OperatorProcess;

interface Exported {
  metadata: Record<string, unknown> & { name: string; namespace: string };
  spec?: unknown;
  status?: unknown;
}

async function exportPetStores(namespaces: string[]): Promise<{ text: string; items: Exported[] }> {
  const kubectlDir = dirname(cluster().binaries?.kubectl ?? 'kubectl');
  const { stdout } = await exec(process.execPath, [join(repoRoot, 'scripts/export-petstores.ts'), ...namespaces], {
    env: { ...process.env, KUBECONFIG: cluster().kubeconfig, PATH: `${kubectlDir}:${process.env.PATH ?? ''}` },
  });
  return { text: stdout, items: (parse(stdout) as { items: Exported[] }).items };
}

async function specsOf(namespace: string): Promise<Record<string, unknown>> {
  const list = JSON.parse(await kubectl(['-n', namespace, 'get', 'petstores', '-o', 'json'])) as {
    items: { metadata: { name: string; labels?: object; annotations?: Record<string, string> }; spec: unknown }[];
  };
  return Object.fromEntries(
    list.items.map((p) => [
      p.metadata.name,
      {
        spec: p.spec,
        labels: p.metadata.labels,
        note: p.metadata.annotations?.['example.com/note'],
      },
    ]),
  );
}

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({ args: [`--namespaces=${first.name},${second.name}`] });
  await kubectl([
    '-n',
    first.name,
    'create',
    'secret',
    'generic',
    'db',
    '--from-literal=DATABASE_URL=postgres://u:p@db:5432/x',
  ]);
  await kubectl(['-n', first.name, 'apply', '-f', '-'], {
    input: `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: dev, labels: { team: pets }, annotations: { example.com/note: "the quickstart" } }
spec: { config: { logLevel: debug } }
---
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: shop }
spec:
  database: { engine: external, external: { secretName: db } }
  autoscaling: { minReplicas: 2, maxReplicas: 4 }
`,
  });
  await kubectl(['-n', second.name, 'apply', '-f', '-'], {
    input: `
apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: other }
spec: { config: { environment: staging } }
`,
  });
  for (const [ns, name] of [
    [first.name, 'dev'],
    [first.name, 'shop'],
    [second.name, 'other'],
  ] as const) {
    await kubectl(['-n', ns, 'wait', '--for=condition=Ready', `petstore/${name}`, '--timeout=120s']);
  }
}, 240_000);

afterAll(async () => {
  await operator.stop();
});

describe('exporting PetStores and applying the export again', () => {
  it('exports only what users wrote: no status, uid, resourceVersion, finalizers or managed fields', async () => {
    const { text, items } = await exportPetStores([first.name, second.name]);
    expect(items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(
      [`${first.name}/dev`, `${first.name}/shop`, `${second.name}/other`].sort(),
    );
    for (const item of items) {
      expect(Object.keys(item.metadata).sort()).toEqual(expect.arrayContaining(['name', 'namespace']));
      for (const key of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'finalizers']) {
        expect(item.metadata).not.toHaveProperty(key);
      }
      expect(item).not.toHaveProperty('status');
    }
    expect(text).not.toContain('last-applied-configuration');
  });

  it('re-applies cleanly after the PetStores are gone, giving back the same specs, labels and annotations', async () => {
    const before = { ...(await specsOf(first.name)), ...(await specsOf(second.name)) };
    const { text } = await exportPetStores([]);
    // Only this test's namespaces: other test files' PetStores are in the full export too.
    const mine = (parse(text) as { items: Exported[] }).items.filter((i) =>
      [first.name, second.name].includes(i.metadata.namespace),
    );
    expect(mine).toHaveLength(3);
    for (const ns of [first.name, second.name]) {
      await kubectl(['-n', ns, 'delete', 'petstores', '--all', '--wait=true', '--timeout=90s']);
    }
    await kubectl(['apply', '--server-side', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: mine }),
    });
    const after = { ...(await specsOf(first.name)), ...(await specsOf(second.name)) };
    expect(after).toEqual(before);
    await kubectl(['-n', first.name, 'wait', '--for=condition=Ready', 'petstore/dev', '--timeout=120s']);
  }, 240_000);
});
