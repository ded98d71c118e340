// The declared workflow is well formed: ids unique, dependencies declared before their dependents, every child
// reachable only through the database, every child kind watched and granted in RBAC.
import { describe, expect, it } from '@jest/globals';
import { dependents } from '../src/controller/dependents.ts';
import { requiredPermissions } from '../src/permissions.ts';
import { ownedKinds, sharedKinds, watchedKinds } from '../src/petstore-controller.ts';

describe('the declared workflow', () => {
  it('names each dependent once', () => {
    const ids = dependents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every dependency before the dependents that need it', () => {
    const seen = new Set<string>();
    for (const dependent of dependents) {
      for (const id of dependent.dependsOn) expect({ [dependent.id]: seen.has(id) }).toEqual({ [dependent.id]: true });
      seen.add(dependent.id);
    }
  });

  it('builds every child of one PetStore from the database’s connection (it depends on it, directly or not)', () => {
    const byId = new Map(dependents.map((d) => [d.id, d]));
    const reaches = (id: string, target: string): boolean =>
      id === target || (byId.get(id)?.dependsOn.some((next) => reaches(next, target)) ?? false);
    for (const dependent of dependents.filter((d) => d.policy === 'apply' || d.policy === 'create-only')) {
      expect({ [dependent.id]: reaches(dependent.id, 'database') }).toEqual({ [dependent.id]: true });
    }
  });

  it('watches every kind it writes: owned children by owner, shared objects by namespace', () => {
    for (const dependent of dependents) {
      if (dependent.policy === 'external') continue;
      const kinds = dependent.policy === 'shared' ? sharedKinds : ownedKinds;
      expect(kinds).toContain(dependent.kind);
      expect(watchedKinds).toContain(dependent.kind);
    }
  });

  it('is granted create, patch and delete on every kind it writes', () => {
    for (const dependent of dependents) {
      if (dependent.policy === 'external') continue;
      const permission = requiredPermissions.find(
        (p) => p.group === dependent.kind.group && p.resource === dependent.kind.plural,
      );
      expect(permission?.verbs).toEqual(expect.arrayContaining(['list', 'watch', 'create', 'patch', 'delete']));
    }
  });
});
