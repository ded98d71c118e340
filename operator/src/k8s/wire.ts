import type { KubernetesObject } from '@kubernetes/client-node';
// The serializer KubernetesObjectApi uses for request bodies; client-node does not re-export it.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';

/**
 * An object exactly as the API server receives it: typed model names such as `_default` mapped to JSON names, absent
 * fields dropped (the serializer leaves them as undefined), dates as strings.
 */
export function toWire(object: KubernetesObject): Record<string, unknown> {
  const serialized: unknown = ObjectSerializer.serialize(
    object,
    getSerializationType(object.apiVersion, object.kind),
    '',
  );
  return JSON.parse(JSON.stringify(serialized)) as Record<string, unknown>;
}
