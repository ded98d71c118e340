import { describe, expect, it } from '@jest/globals';
import { lastAppliedAnnotation, Store, stripBookkeeping } from './store.ts';
import type { KubeObject } from './types.ts';

function obj(namespace: string, name: string, resourceVersion: string, ownerUid?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      namespace,
      name,
      resourceVersion,
      managedFields: [{ manager: 'kubectl' }],
      ...(ownerUid === undefined
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: 'petstore.example.com/v1alpha1',
                kind: 'PetStore',
                name: 'shop',
                uid: ownerUid,
                controller: true,
              },
            ],
          }),
    },
  };
}

describe('Store', () => {
  it('reports an addition, then a modification only when the resourceVersion changes', () => {
    const store = new Store();
    expect(store.upsert(obj('pets', 'a', '1'))?.type).toBe('added');
    expect(store.upsert(obj('pets', 'a', '1'))).toBeUndefined();
    const change = store.upsert(obj('pets', 'a', '2'));
    expect(change?.type).toBe('modified');
    expect(change?.oldObject?.metadata?.resourceVersion).toBe('1');
    expect(store.get('pets', 'a')?.metadata?.resourceVersion).toBe('2');
  });

  it('lists children by controller owner UID and forgets them when deleted or re-owned', () => {
    const store = new Store();
    store.upsert(obj('pets', 'a', '1', 'uid-1'));
    store.upsert(obj('pets', 'b', '1', 'uid-1'));
    store.upsert(obj('pets', 'c', '1', 'uid-2'));
    store.upsert(obj('pets', 'd', '1'));
    expect(store.listByOwner('uid-1').map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    store.delete(obj('pets', 'a', '2', 'uid-1'));
    store.upsert(obj('pets', 'b', '2', 'uid-2'));
    expect(store.listByOwner('uid-1')).toEqual([]);
    expect(store.listByOwner('uid-2').map((o) => o.metadata?.name)).toEqual(['c', 'b']);
  });

  it('on relist emits deletions for vanished objects and changes only for what differs', () => {
    const store = new Store();
    store.replace(undefined, [obj('pets', 'keep', '1'), obj('pets', 'change', '1'), obj('pets', 'gone', '1', 'u')]);
    const changes = store.replace(undefined, [
      obj('pets', 'keep', '1'),
      obj('pets', 'change', '5'),
      obj('pets', 'new', '6'),
    ]);
    expect(changes.map((c) => `${c.type} ${c.object.metadata?.name}`).sort()).toEqual([
      'added new',
      'deleted gone',
      'modified change',
    ]);
    expect(
      store
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['change', 'keep', 'new']);
    expect(store.listByOwner('u')).toEqual([]);
  });

  it('relists one namespace without touching the others', () => {
    const store = new Store();
    store.replace('team-a', [obj('team-a', 'x', '1')]);
    store.replace('team-b', [obj('team-b', 'y', '1')]);
    const changes = store.replace('team-a', []);
    expect(changes.map((c) => c.object.metadata?.name)).toEqual(['x']);
    expect(store.list().map((o) => o.metadata?.name)).toEqual(['y']);
    expect(store.list('team-b')).toHaveLength(1);
  });

  it('drops managedFields and freezes cached objects so a reconcile cannot corrupt the cache', () => {
    const store = new Store();
    store.upsert(obj('pets', 'a', '1', 'uid-1'));
    const cached = store.get('pets', 'a')!;
    expect(cached.metadata?.managedFields).toBeUndefined();
    expect(() => {
      (cached.metadata as { name: string }).name = 'b';
    }).toThrow(TypeError);
    const owners = cached.metadata?.ownerReferences as unknown[];
    expect(() => owners.push({ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x' })).toThrow(TypeError);
    const copy = structuredClone(cached);
    copy.metadata!.name = 'b';
    expect(copy.metadata?.name).toBe('b');
  });

  it("drops kubectl's last-applied copy and applies the kind's transform before caching", () => {
    const store = new Store({
      transform: (object) => {
        delete (object as { status?: unknown }).status;
        return object;
      },
    });
    const object = obj('pets', 'a', '1');
    object.metadata!.annotations = { [lastAppliedAnnotation]: '{"a":1}', kept: 'yes' };
    store.upsert({ ...object, status: { big: true } } as KubeObject);
    const cached = store.get('pets', 'a') as KubeObject & { status?: unknown };
    expect(cached.metadata?.annotations).toEqual({ kept: 'yes' });
    expect(cached.status).toBeUndefined();
  });

  it.each(['json', 'json-delta'] as const)(
    'kept as %s, returns a fresh frozen copy on every read, indexed and versioned as objects are',
    (representation) => {
      const store = new Store({ representation });
      expect(store.upsert(obj('pets', 'a', '1', 'uid-1'))?.type).toBe('added');
      expect(store.upsert(obj('pets', 'a', '1', 'uid-1'))).toBeUndefined();
      const first = store.get('pets', 'a')!;
      const second = store.get('pets', 'a')!;
      expect(first).toEqual(second);
      expect(first).not.toBe(second);
      expect(Object.isFrozen(first.metadata)).toBe(true);
      expect(first.metadata?.managedFields).toBeUndefined();
      const change = store.upsert(obj('pets', 'a', '2', 'uid-2'));
      expect(change?.oldObject?.metadata?.resourceVersion).toBe('1');
      expect(store.listByOwner('uid-1')).toEqual([]);
      expect(store.listByOwner('uid-2').map((o) => o.metadata?.resourceVersion)).toEqual(['2']);
      expect(store.replace('pets', []).map((c) => `${c.type} ${c.object.metadata?.name}`)).toEqual(['deleted a']);
    },
  );

  it('as deltas, reads back every object as it was kept, the first one (their base) and the others', () => {
    const store = new Store({ representation: 'json-delta' });
    const objects = ['a', 'b', 'c'].map((name, i) => ({
      ...obj('pets', name, String(i + 1), `uid-${name}`),
      spec: { text: `${name} é ✓`.repeat(i * 50), n: i },
    }));
    for (const object of objects) store.upsert(structuredClone(object));
    const kept = objects.map((object) => stripBookkeeping(structuredClone(object)));
    expect(store.list('pets')).toEqual(kept);
    store.delete(objects[0]!);
    expect(store.get('pets', 'b')).toEqual(kept[1]);
  });
});
