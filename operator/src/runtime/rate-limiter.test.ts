import { describe, expect, it } from '@jest/globals';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.ts';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles the delay from 5 ms with every consecutive failure of a key', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    const delays = Array.from({ length: 6 }, () => limiter.when('pets/shop'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 160]);
    expect(limiter.numRequeues('pets/shop')).toBe(6);
  });

  it('reaches the 1000 s cap at the 19th failure and stays there', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    const delays = Array.from({ length: 25 }, () => limiter.when('pets/shop'));
    expect(delays[17]).toBe(5 * 2 ** 17); // 655.36 s
    expect(delays[18]).toBe(1_000_000);
    expect(delays.slice(18).every((d) => d === 1_000_000)).toBe(true);
  });

  it('starts again at 5 ms after forget (a successful reconcile)', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    limiter.when('pets/shop');
    limiter.when('pets/shop');
    limiter.forget('pets/shop');
    expect(limiter.numRequeues('pets/shop')).toBe(0);
    expect(limiter.when('pets/shop')).toBe(5);
  });

  it('keeps a separate count per key', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    limiter.when('pets/a');
    limiter.when('pets/a');
    expect(limiter.when('pets/b')).toBe(5);
    expect(limiter.when('pets/a')).toBe(20);
  });

  it('refuses a base delay above the cap', () => {
    expect(() => new ItemExponentialFailureRateLimiter(10, 5)).toThrow(/baseDelayMs <= maxDelayMs/);
  });
});
