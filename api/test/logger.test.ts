// The log line's timestamp: the ISO time of the moment the line is written, built once per millisecond.
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createLogger, isoTimeEachMillisecond } from '../src/logger.ts';

describe('isoTimeEachMillisecond', () => {
  it("writes the same field as pino's isoTime for every instant, and follows the clock", () => {
    let clock = Date.parse('2026-12-01T23:59:59.998Z');
    const time = isoTimeEachMillisecond(() => clock);
    const expected = (at: number) => `,"time":"${new Date(at).toISOString()}"`;
    expect(time()).toBe(expected(clock));
    expect(time()).toBe(expected(clock));
    for (let i = 0; i < 3; i++) {
      clock += 1;
      expect(time()).toBe(expected(clock));
    }
    expect(time()).toBe(',"time":"2026-12-02T00:00:00.001Z"');
    clock -= 5_000; // a clock stepped back is followed too
    expect(time()).toBe(expected(clock));
    // pino's own formatter, at the real clock, has the same shape.
    expect(pino.stdTimeFunctions.isoTime()).toMatch(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
  });

  it('stamps each line of the API logger with the time it was written', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ logLevel: 'info', apiVersion: 'test', environment: 'test' }, destination);
    const before = Date.now();
    logger.info('first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('second');
    const after = Date.now();
    const times = lines.map((line) => Date.parse((JSON.parse(line) as { time: string }).time));
    expect(times).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times[1]).toBeGreaterThan(times[0] ?? 0); // not the first line's cached field
    expect(times[1]).toBeLessThanOrEqual(after);
  });
});
