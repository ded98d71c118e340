import { describe, expect, it } from '@jest/globals';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { conditionSamples } from './condition-metrics.ts';

const petStore = (name: string, conditions: { type: string; status: 'True' | 'False' | 'Unknown' }[]): PetStore => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name, namespace: 'pets', uid: name },
  spec: {},
  status: {
    conditions: conditions.map((c) => ({ ...c, reason: 'R', message: '', lastTransitionTime: '2026-11-30T00:00:00Z' })),
  },
});

describe('conditionSamples', () => {
  it('sets 1 on the status each condition has and 0 on the other two', () => {
    const samples = conditionSamples([petStore('shop', [{ type: 'Ready', status: 'False' }])]);
    expect(samples).toEqual([
      { labels: { petstore_namespace: 'pets', petstore: 'shop', type: 'Ready', status: 'True' }, value: 0 },
      { labels: { petstore_namespace: 'pets', petstore: 'shop', type: 'Ready', status: 'False' }, value: 1 },
      { labels: { petstore_namespace: 'pets', petstore: 'shop', type: 'Ready', status: 'Unknown' }, value: 0 },
    ]);
  });

  it('exports nothing for a PetStore without status yet', () => {
    expect(conditionSamples([{ ...petStore('new', []), status: undefined }])).toEqual([]);
  });
});
