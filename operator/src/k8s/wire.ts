import type { KubernetesObject } from '@kubernetes/client-node';
// The serializer KubernetesObjectApi uses for request bodies; client-node does not re-export it.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';

/** An object as the API server sees it on the wire (typed model names such as `_default` mapped to JSON names). */
export function toWire(object: KubernetesObject): Record<string, unknown> {
  return ObjectSerializer.serialize(object, getSerializationType(object.apiVersion, object.kind), '') as Record<
    string,
    unknown
  >;
}
