import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { annotationPrefix } from '../builders/metadata.ts';
import { toWire } from '../k8s/wire.ts';

/** Digest of the desired object, kept on the child so a field the operator stops setting is noticed. */
export const desiredHashAnnotation = `${annotationPrefix}/desired-hash`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A copy of the desired object carrying the desired-hash annotation, which covers everything else in it. */
export function withDesiredHash<T extends KubernetesObject>(desired: T): T {
  const hash = createHash('sha256')
    .update(stableStringify(toWire(desired) as Json))
    .digest('hex')
    .slice(0, 16);
  const metadata = desired.metadata ?? {};
  return {
    ...desired,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [desiredHashAnnotation]: hash } },
  };
}

/**
 * True when the live object already holds everything desired: then an apply would change nothing and is skipped,
 * which keeps a steady-state reconcile free of writes. Fields the server or other controllers add are ignored; a
 * field edited by hand, or one the operator stopped setting (the hash changes), makes it false.
 */
export function isUpToDate(desired: KubernetesObject, live: unknown): boolean {
  return contains(live as Json, toWire(desired) as Json);
}

function contains(live: Json | undefined, desired: Json): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((item, index) => contains(live[index], item))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([key, value]) => contains(live[key], value));
  }
  return live === desired;
}

function stableStringify(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
