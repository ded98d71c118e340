import type { FindOptionsWhere, QueryDeepPartialEntity, Repository } from 'typeorm';
import { ConcurrentUpdateError } from './errors.ts';

interface Versioned {
  version: number;
}

const attempts = 3;

/**
 * Optimistic read-modify-write of the row matching `where`: `check` sees the current row first (If-Match throws there),
 * and the write only lands if the version is still the one read, so concurrent writers never overwrite each other
 * unseen. A lost race is retried from the read. Returns the new row, or null when there is no such row.
 */
export async function updateVersioned<T extends Versioned>(
  repository: Repository<T>,
  where: FindOptionsWhere<T>,
  check: (current: T) => void,
  change: (current: T) => Partial<T>,
): Promise<T | null> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await repository.findOneBy(where);
    if (!current) return null;
    check(current);
    const changes = { ...change(current), version: current.version + 1 };
    const { affected } = await repository.update(
      { ...where, version: current.version },
      changes as QueryDeepPartialEntity<T>,
    );
    if (affected === 1) return { ...current, ...changes };
  }
  throw new ConcurrentUpdateError();
}

/** Deletes the row matching `where` after `check` accepted its current version. False when there is no such row. */
export async function deleteVersioned<T extends Versioned>(
  repository: Repository<T>,
  where: FindOptionsWhere<T>,
  check: (current: T) => void,
): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await repository.findOneBy(where);
    if (!current) return false;
    check(current);
    const { affected } = await repository.delete({ ...where, version: current.version });
    if (affected === 1) return true;
  }
  throw new ConcurrentUpdateError();
}
