import { describe, expect, it } from '@jest/globals';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { desiredHashAnnotation, isUpToDate, withDesiredHash } from '../src/controller/up-to-date.ts';

const desired: V1ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-config', namespace: 'pets', labels: { a: '1' } },
  data: { LOG_LEVEL: 'info' },
};
const live = (overrides: Partial<V1ConfigMap> = {}) => ({
  ...withDesiredHash(desired),
  metadata: {
    ...withDesiredHash(desired).metadata,
    resourceVersion: '42',
    uid: 'u',
    managedFields: [{ manager: 'petstore-operator' }],
  },
  ...overrides,
});

describe('isUpToDate', () => {
  it('accepts a live object that holds everything desired plus server-added fields', () => {
    expect(isUpToDate(withDesiredHash(desired), live())).toBe(true);
  });

  it('rejects a live object whose value was edited by hand', () => {
    expect(isUpToDate(withDesiredHash(desired), live({ data: { LOG_LEVEL: 'debug' } }))).toBe(false);
  });

  it('rejects a live object that lost a field the operator sets', () => {
    expect(isUpToDate(withDesiredHash(desired), live({ data: {} }))).toBe(false);
  });

  it('notices a field the operator stopped setting through the desired hash', () => {
    const smaller = { ...desired, metadata: { ...desired.metadata, labels: {} } };
    expect(isUpToDate(withDesiredHash(smaller), live())).toBe(false);
  });

  it('treats lists as whole: an extra element is a difference', () => {
    const withList = { ...desired, data: undefined, binaryData: undefined, immutable: undefined } as V1ConfigMap;
    const a = withDesiredHash({ ...withList, metadata: { ...withList.metadata, finalizers: ['x'] } });
    expect(isUpToDate(a, { ...a, metadata: { ...a.metadata, finalizers: ['x', 'y'] } })).toBe(false);
  });

  it('gives the same hash for the same object', () => {
    const first = withDesiredHash(desired).metadata?.annotations?.[desiredHashAnnotation];
    expect(withDesiredHash(structuredClone(desired)).metadata?.annotations?.[desiredHashAnnotation]).toBe(first);
  });
});
