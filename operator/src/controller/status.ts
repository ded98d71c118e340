import { isDeepStrictEqual } from 'node:util';
import type { PetStore, PetStoreStatus } from '../api/v1alpha1/petstore.ts';
import { kinds } from '../k8s/kinds.ts';
import type { ReconcileContext } from './context.ts';

/** Writes the status only when it differs from what the PetStore already shows (a quiet steady state). */
export async function writeStatus(petStore: PetStore, status: PetStoreStatus, ctx: ReconcileContext): Promise<boolean> {
  if (isDeepStrictEqual(normalize(petStore.status), normalize(status))) return false;
  await ctx.client.applyStatus(petStore, kinds.PetStore, status);
  return true;
}

/** JSON round trip: drops undefined members so a cached status and a computed one compare by content. */
function normalize(status: PetStoreStatus | undefined): unknown {
  return JSON.parse(JSON.stringify(status ?? {})) as unknown;
}
