// Every alert's runbook_url points at a section that exists in docs/runbook.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { buildPrometheusRule } from '../../src/builders/monitoring/prometheus-rule.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';
import { sqliteConnection } from '../../src/spec/database-connection.ts';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';

const runbook = readFileSync(path.resolve(import.meta.dirname, '../../../docs/runbook.md'), 'utf8');
/** Anchors docs/runbook.md defines explicitly (`<a id="…">`). */
const runbookAnchors = new Set([...runbook.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]));

describe('runbook links', () => {
  it('every PetStore alert links an existing section of docs/runbook.md', () => {
    const petStore: PetStore = {
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name: 'shop', namespace: 'pets', uid: 'u' },
      spec: {},
    };
    const rule = buildPrometheusRule({
      petStore: petStore,
      spec: resolveSpec(petStore, builtinDefaults),
      connection: sqliteConnection,
    });
    const anchors = rule.spec.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.alert)
      .map((r) => r.annotations!.runbook_url!.split('#')[1]);
    expect(anchors).toHaveLength(5);
    expect(anchors.filter((anchor) => !runbookAnchors.has(anchor))).toEqual([]);
  });
});
