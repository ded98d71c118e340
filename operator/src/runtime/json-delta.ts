/**
 * A JSON value as the fields in which it differs from a base value, and back. Objects of one kind written by one
 * builder differ from each other in a few names and values, so against one of them as the base, another's delta is a
 * small fraction of its text. `applyDelta(base, jsonDelta(base, value))` deep-equals `value`; unchanged parts of the
 * result are the base's own objects, so the base must never change (the store freezes it). Keys the value shares
 * with the base come back in the base's order.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Marks a delta of an array of the same length (by index), and the keys a delta of an object removes. */
const arrayMarker = '\u0000[';
const removedKeys = '\u0000-';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The delta of `value` against `base`; undefined when they are equal. */
export function jsonDelta(base: unknown, value: unknown): unknown {
  if (isObject(base) && isObject(value)) {
    const delta: Record<string, unknown> = {};
    let changed = false;
    for (const [key, item] of Object.entries(value)) {
      const d = Object.hasOwn(base, key) ? jsonDelta(base[key], item) : item;
      if (d !== undefined) {
        delta[key] = d;
        changed = true;
      }
    }
    const removed = Object.keys(base).filter((key) => !Object.hasOwn(value, key));
    if (removed.length > 0) {
      delta[removedKeys] = removed;
      changed = true;
    }
    return changed ? delta : undefined;
  }
  if (Array.isArray(base) && Array.isArray(value) && base.length === value.length) {
    const delta: Record<string, unknown> = { [arrayMarker]: 1 };
    let changed = false;
    for (const [index, item] of value.entries()) {
      const d = jsonDelta(base[index], item);
      if (d !== undefined) {
        delta[index] = d;
        changed = true;
      }
    }
    return changed ? delta : undefined;
  }
  return base === value ? undefined : value;
}

/** `base` with `delta` applied: the value `jsonDelta` was given. */
export function applyDelta(base: unknown, delta: unknown): unknown {
  if (delta === undefined) return base;
  if (isObject(base) && isObject(delta)) {
    const removed = new Set((delta[removedKeys] as string[] | undefined) ?? []);
    const result: Record<string, unknown> = {};
    // The value's key order: base keys it kept, in place, then its own new keys.
    for (const key of Object.keys(base)) {
      if (!removed.has(key)) result[key] = applyDelta(base[key], delta[key]);
    }
    for (const key of Object.keys(delta)) {
      if (key !== removedKeys && !Object.hasOwn(base, key)) result[key] = delta[key];
    }
    return result;
  }
  if (Array.isArray(base) && isObject(delta) && Object.hasOwn(delta, arrayMarker)) {
    return base.map((item, index) => applyDelta(item, delta[index]));
  }
  return delta;
}
