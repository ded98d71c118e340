import { describe, expect, it } from '@jest/globals';
import { formatBytes, formatMilli, parseQuantity } from '../src/builders/quantity.ts';

describe('quantities', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['256Mi', 256 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1k', 1000],
  ])('parses %s', (text, value) => expect(parseQuantity(text)).toBeCloseTo(value));

  it('refuses text that is not a quantity, naming it', () => {
    expect(() => parseQuantity('lots')).toThrow('"lots" is not a Kubernetes quantity');
  });

  it.each([
    [0.25, '250m'],
    [2, '2'],
    [1.5, '1500m'],
  ])('formats %s CPUs in the API server’s canonical form %s', (value, text) => expect(formatMilli(value)).toBe(text));

  it.each([
    [768 * 2 ** 20, '768Mi'],
    [2 * 2 ** 30, '2Gi'],
  ])('formats %s bytes in canonical form %s', (value, text) => expect(formatBytes(value)).toBe(text));
});
