import { describe, expect, it } from '@jest/globals';
import type { ResolvedDatabase } from '../engine.ts';
import { Observations } from './observations.ts';

const result = (requeueAfterMs: number): ResolvedDatabase => ({
  state: { ready: true, reason: 'Available', message: 'ok', requeueAfterMs },
});

describe('Observations', () => {
  it('serves the last look until it is due again, counting down the time left', () => {
    const observations = new Observations();
    observations.remember('pets/shop', 'a', result(300_000), 0);
    expect(observations.fresh('pets/shop', 'a', 120_000)).toEqual({ result: result(300_000), remainingMs: 180_000 });
    expect(observations.fresh('pets/shop', 'a', 300_000)).toBeUndefined();
  });

  it('looks again at once when the spec asks something else', () => {
    const observations = new Observations();
    observations.remember('pets/shop', 'a', result(300_000), 0);
    expect(observations.fresh('pets/shop', 'b', 1)).toBeUndefined();
  });

  it('holds AWS off after failures: 1 s, 2 s, 4 s ... up to the poll interval', () => {
    const observations = new Observations();
    const error = new Error('Throttling');
    const holds = [1, 2, 3, 4, 5, 6, 7].map(() => observations.failed('pets/shop', 'a', error, 0, 30_000));
    expect(holds).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(observations.held('pets/shop', 'a', 29_999)).toBe(error);
    expect(observations.held('pets/shop', 'a', 30_000)).toBeUndefined();
    expect(observations.held('pets/shop', 'b', 0)).toBeUndefined();
  });

  it('starts the hold over after a success', () => {
    const observations = new Observations();
    observations.failed('pets/shop', 'a', new Error('x'), 0, 30_000);
    observations.failed('pets/shop', 'a', new Error('x'), 0, 30_000);
    observations.remember('pets/shop', 'a', result(1000), 0);
    expect(observations.failed('pets/shop', 'a', new Error('x'), 0, 30_000)).toBe(1000);
  });

  it('remembers a modification AWS refused only for the spec it refused', () => {
    const observations = new Observations();
    observations.remember('pets/shop', 'a', result(1000), 0, 'refused');
    expect(observations.refusedModification('pets/shop', 'a')).toBe('refused');
    expect(observations.refusedModification('pets/shop', 'b')).toBeUndefined();
  });

  it('forgets PetStores nobody asked about for an hour', () => {
    const observations = new Observations();
    observations.remember('pets/gone', 'a', result(1000), 0);
    observations.remember('pets/shop', 'a', result(1000), 3_600_001);
    expect(observations.size).toBe(1);
  });
});
