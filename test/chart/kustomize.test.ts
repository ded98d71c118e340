// `kubectl apply -k config/default` installs the same operator as the chart with default values; config/ is the
// kubebuilder layout, checked object by object against `helm template`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isTestHook, renderChart, renderKustomization, repoRoot, type Manifest } from './chart.ts';

/** Labels and annotations that say who installed an object, not what it is. */
const installerLabels = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];
const installerAnnotations = ['helm.sh/resource-policy'];

/** The object without its installer's bookkeeping, comparable across helm and kustomize. */
function normalize(manifest: Manifest): unknown {
  const copy = structuredClone(manifest) as Manifest & { spec?: { template?: { metadata?: Manifest['metadata'] } } };
  for (const metadata of [copy.metadata, copy.spec?.template?.metadata]) {
    if (!metadata) continue;
    for (const label of installerLabels) delete metadata.labels?.[label];
    for (const annotation of installerAnnotations) delete metadata.annotations?.[annotation];
    if (metadata.annotations && Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}

const byKindAndName = (manifests: Manifest[]): Map<string, unknown> =>
  new Map(manifests.map((m) => [`${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`, normalize(m)]));

describe('config/default', () => {
  const kustomize = renderKustomization('config/default');
  const chart = renderChart().filter((m) => !isTestHook(m));

  it('creates the operator namespace with the restricted Pod Security Standard enforced', () => {
    const namespace = kustomize.find((m) => m.kind === 'Namespace');
    expect(namespace?.metadata.name).toBe('petstore-system');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('holds the same objects as `helm install petstore-operator -n petstore-system` with default values', () => {
    const fromKustomize = byKindAndName(kustomize.filter((m) => m.kind !== 'Namespace'));
    const fromChart = byKindAndName(chart);
    expect([...fromKustomize.keys()].sort()).toEqual([...fromChart.keys()].sort());
    for (const [key, object] of fromChart) {
      // On failure: make config/ match the chart (or the chart match config/); they describe one install.
      expect({ [key]: fromKustomize.get(key) }).toEqual({ [key]: object });
    }
  });

  it('marks what kustomize installed, as the chart marks what Helm installed', () => {
    for (const manifest of kustomize)
      expect(manifest.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('kustomize');
  });
});

describe('config/samples', () => {
  it('is the quickstart example, unchanged', () => {
    const sample = readFileSync(path.join(repoRoot, 'config/samples/petstore_v1alpha1_petstore.yaml'), 'utf8');
    expect(sample).toBe(readFileSync(path.join(repoRoot, 'examples/sqlite.yaml'), 'utf8'));
    expect(renderKustomization('config/samples').map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'PetStore/quickstart',
    ]);
  });
});

describe('config/prometheus', () => {
  it('is the ServiceMonitor the chart renders with metrics.serviceMonitor.enabled', () => {
    const [monitor] = renderKustomization('config/prometheus');
    const fromChart = renderChart({ values: { metrics: { serviceMonitor: { enabled: true } } } }).find(
      (m) => m.kind === 'ServiceMonitor',
    );
    expect(normalize(monitor!)).toEqual(normalize(fromChart!));
  });
});
