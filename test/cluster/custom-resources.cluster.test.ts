import { afterAll, describe, expect, it } from '@jest/globals';
import { ApiextensionsV1Api, CustomObjectsApi, type KubeConfig, Watch } from '@kubernetes/client-node';
import { kubeConfig, kubectl, useNamespace, waitFor } from './fixtures.ts';

const namespace = useNamespace();
// CRDs are cluster-wide: a per-run group keeps two runs against one (external) cluster apart.
const group = `${Math.random().toString(36).slice(2, 8)}.cluster-test.petstore.example.com`;
const plural = 'canaries';

afterAll(async () => {
  await kubeConfig()
    .makeApiClient(ApiextensionsV1Api)
    .deleteCustomResourceDefinition({ name: `${plural}.${group}` });
});

describe('a CustomResourceDefinition', () => {
  it('installs, and its custom resources are created and watched through @kubernetes/client-node', async () => {
    const config = kubeConfig();
    const extensions = config.makeApiClient(ApiextensionsV1Api);
    const objects = config.makeApiClient(CustomObjectsApi);
    await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: 'canary', kind: 'Canary' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', properties: { song: { type: 'string' } } } },
                },
              },
            },
          ],
        },
      }),
    });
    await waitFor(
      async () =>
        (await extensions.readCustomResourceDefinition({ name: `${plural}.${group}` })).status?.conditions?.some(
          (c) => c.type === 'Established' && c.status === 'True',
        ),
      30_000,
      'the CRD to be Established',
    );

    const events: string[] = [];
    const watch = await waitFor(
      () =>
        openWatch(config, `/apis/${group}/v1/namespaces/${namespace.name}/${plural}`, (phase, object) =>
          events.push(`${phase} ${object.metadata.name} ${object.spec?.song ?? ''}`.trim()),
        ),
      30_000,
      'a watch on the new resource',
    );
    try {
      const coordinates = { group, version: 'v1', namespace: namespace.name, plural };
      await objects.createNamespacedCustomObject({
        ...coordinates,
        body: { apiVersion: `${group}/v1`, kind: 'Canary', metadata: { name: 'tweety' }, spec: { song: 'tweet' } },
      });
      await objects.patchNamespacedCustomObject({
        ...coordinates,
        name: 'tweety',
        body: [{ op: 'replace', path: '/spec/song', value: 'chirp' }],
      });
      await objects.deleteNamespacedCustomObject({ ...coordinates, name: 'tweety' });

      await waitFor(() => events.length >= 3, 30_000, 'three watch events');
      expect(events).toEqual(['ADDED tweety tweet', 'MODIFIED tweety chirp', 'DELETED tweety chirp']);
    } finally {
      watch.abort();
    }
  });
});

interface Canary {
  metadata: { name: string };
  spec?: { song?: string };
}

/**
 * Opens a watch and resolves once the API server has sent the bookmark that ends the initial events, i.e. the watch
 * is live. Rejects if the request fails: a new resource's watch cache answers 429 until it has initialised.
 */
function openWatch(
  config: KubeConfig,
  path: string,
  onEvent: (phase: string, object: Canary) => void,
): Promise<AbortController> {
  return new Promise((resolve, reject) => {
    const request = new Watch(config).watch(
      path,
      { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
      (phase: string, object: Canary) => {
        if (phase === 'BOOKMARK') void request.then(resolve);
        else onEvent(phase, object);
      },
      (error: unknown) => reject(error instanceof Error ? error : new Error(`the watch ended: ${String(error)}`)),
    );
    request.catch(reject);
  });
}
