import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';

/**
 * A digest of what the pods read from the ConfigMap and Secret: it goes into the pod template, so pods roll when
 * configuration or credentials change. Keys are sorted so the digest depends only on content.
 */
export function configChecksum(configMap: V1ConfigMap, secret: V1Secret): string {
  const hash = createHash('sha256');
  for (const [source, data] of [
    ['configmap', configMap.data ?? {}],
    ['secret', secret.data ?? {}],
  ] as const) {
    for (const key of Object.keys(data).sort()) hash.update(`${source}\0${key}\0${data[key] ?? ''}\0`);
  }
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}
