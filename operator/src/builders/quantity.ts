// Kubernetes resource quantities as numbers and back, for summing quota. Only what quotas need: decimal SI and
// binary suffixes, millis.
const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses "250m", "1Gi", "0.5", "2" into a number of base units; throws naming the bad value. */
export function parseQuantity(quantity: string): number {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-zA-Z]*)$/.exec(quantity.trim());
  const multiplier = match ? suffixes[match[2] ?? ''] : undefined;
  if (!match || multiplier === undefined) throw new Error(`"${quantity}" is not a Kubernetes quantity`);
  return Number(match[1]) * multiplier;
}

/** CPU rounded up to millicores, in the API server's canonical form ("1500m", "2"). */
export function formatMilli(value: number): string {
  const millis = Math.ceil(value * 1000 - 1e-6);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes rounded up to Mi, in the API server's canonical form ("768Mi", "2Gi"). */
export function formatBytes(value: number): string {
  const mebibytes = Math.ceil(value / 2 ** 20 - 1e-9);
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}
