/** Applies an RFC 7396 JSON merge patch: objects merge member by member, null removes a member, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch))
    merged[key] = value === null ? undefined : mergePatch(merged[key], value);
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
