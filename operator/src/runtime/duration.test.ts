import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['10h', 36_000_000],
    ['5m', 300_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2h0m0s', 7_200_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'ten seconds', '5 m', '-5s', '1d'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats what it reads', () => {
    expect(formatDuration(36_000_000)).toBe('10h');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1500)).toBe('1s500ms');
    expect(parseDuration(formatDuration(3_723_004))).toBe(3_723_004);
  });
});
