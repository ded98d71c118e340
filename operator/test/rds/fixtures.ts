import pino, { type Logger } from 'pino';
import type { PetStore, PetStoreSpec } from '../../src/api/v1alpha1/petstore.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec, type ResolvedSpec } from '../../src/spec/resolved-spec.ts';
import { rdsSettings, type RdsSettings } from '../../src/database/rds/options.ts';

export const clusterName = 'test-eks';
export const securityGroupId = 'sg-0123456789abcdef0';

/** A PetStore with engine rds as the API server returns it; `rds` and `config` merge into its spec. */
export function rdsPetStore(
  options: {
    name?: string;
    namespace?: string;
    uid?: string;
    rds?: NonNullable<PetStoreSpec['database']>['rds'];
    spec?: Partial<PetStoreSpec>;
  } = {},
): PetStore {
  return {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: {
      name: options.name ?? 'shop',
      namespace: options.namespace ?? 'pets',
      uid: options.uid ?? '6f1c2a4e-0b7d-4c3e-9a8f-112233445566',
      generation: 1,
    },
    spec: {
      database: { engine: 'rds', rds: options.rds ?? {} },
      tags: { owner: 'team-pets', costCenter: 'cc-42' },
      ...options.spec,
    },
  };
}

export function specOf(petStore: PetStore): ResolvedSpec {
  return resolveSpec(petStore, builtinDefaults);
}

export function testSettings(overrides: Partial<RdsSettings> = {}): RdsSettings {
  return {
    ...rdsSettings({ clusterName, dbSubnetGroupName: 'pet-store-db', vpcSecurityGroupIds: [securityGroupId] }),
    ...overrides,
  };
}

/** A logger whose every line is kept, to assert what was (and was not) logged. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
  return { log, lines };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-11-24T00:00:00Z')): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let at = start;
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
