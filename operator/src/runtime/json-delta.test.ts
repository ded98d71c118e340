import { describe, expect, it } from '@jest/globals';
import { applyDelta, jsonDelta } from './json-delta.ts';

const base = {
  metadata: { name: 'a', labels: { app: 'a', tier: 'web' }, ownerReferences: [{ uid: '1', controller: true }] },
  spec: { replicas: 1, ports: [80, 443], template: { containers: [{ name: 'api', args: ['--a'] }] } },
};

describe('jsonDelta and applyDelta', () => {
  it.each([
    ['an equal value', structuredClone(base)],
    [
      'a sibling with other names and values',
      {
        ...base,
        metadata: { ...base.metadata, name: 'b', ownerReferences: [{ uid: '2', controller: true }] },
        spec: { ...base.spec, ports: [80, 8443] },
      },
    ],
    ['a removed key', { metadata: base.metadata }],
    ['an added key', { ...base, status: { ready: true } }],
    ['an array of another length', { ...base, spec: { ...base.spec, ports: [80] } }],
    ['a value of another type', { ...base, spec: { ...base.spec, ports: { http: 80 }, replicas: null } }],
    ['an object in place of an array element', { ...base, spec: { ...base.spec, ports: [{ port: 80 }, 443] } }],
  ])('gives back %s', (_case, value) => {
    const delta = jsonDelta(base, value);
    expect(applyDelta(base, JSON.parse(JSON.stringify(delta ?? {})))).toEqual(value);
  });

  it('keeps only what differs, and shares the unchanged parts of the base', () => {
    const sibling = { ...base, metadata: { ...base.metadata, name: 'b' } };
    const delta = jsonDelta(base, sibling);
    expect(delta).toEqual({ metadata: { name: 'b' } });
    const result = applyDelta(base, delta) as typeof base;
    expect(result.spec).toBe(base.spec);
    expect(result.metadata.labels).toBe(base.metadata.labels);
  });
});
