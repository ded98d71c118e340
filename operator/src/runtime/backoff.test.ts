import { describe, expect, it } from '@jest/globals';
import { Backoff } from './backoff.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('Backoff (watch reconnects)', () => {
  it('waits 800 ms, then doubles up to 30 s, without jitter at random = 0', () => {
    const c = clock();
    const backoff = new Backoff({ random: () => 0, now: c.now });
    const delays = Array.from({ length: 8 }, () => {
      c.advance(10);
      return backoff.next();
    });
    expect(delays).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  });

  it('adds up to 100 % jitter so reconnecting clients spread out', () => {
    const c = clock();
    const backoff = new Backoff({ random: () => 0.999, now: c.now });
    expect(backoff.next()).toBe(1599);
  });

  it('never waits longer than the 30 s cap, jitter included', () => {
    const c = clock();
    const backoff = new Backoff({ random: () => 0.999, now: c.now });
    const delays = Array.from({ length: 10 }, () => {
      c.advance(10);
      return backoff.next();
    });
    expect(Math.max(...delays)).toBe(30_000);
  });

  it('starts again at 800 ms after two minutes without a failure', () => {
    const c = clock();
    const backoff = new Backoff({ random: () => 0, now: c.now });
    backoff.next();
    backoff.next();
    c.advance(120_001);
    expect(backoff.next()).toBe(800);
  });
});
