import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Request headers are never logged as a whole; these paths guard any object that still reaches a log line
// (a header map, a user body, a TypeORM error carrying query parameters).
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["api_key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'err.parameters',
  'err.driverError.parameters',
];

export interface LoggerOptions {
  logLevel: string;
  apiVersion: string;
  environment: string;
}

/**
 * pino's `isoTime`, but the ISO string is built once per millisecond rather than once per line: formatting the date was
 * the costliest part of an access line (docs/benchmarks.md), and a busy server writes many lines per millisecond.
 */
export function isoTimeEachMillisecond(now: () => number = Date.now): () => string {
  let last = Number.NaN;
  let field = '';
  return () => {
    const time = now();
    if (time !== last) {
      last = time;
      field = `,"time":"${new Date(time).toISOString()}"`;
    }
    return field;
  };
}

/** JSON lines on stdout (or `destination`): ISO time, level names, service/version/environment on every line. */
export function createLogger(config: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'petstore-api', version: config.apiVersion, environment: config.environment },
      timestamp: isoTimeEachMillisecond(),
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: '[REDACTED]' },
    },
    // Asynchronous, batched writes keep logging off the request path: lines collect up to 4 KiB (one write(2) per
    // batch instead of one per access-log line) and are flushed at least every second, and on exit.
    destination ?? pino.destination({ sync: false, minLength: 4096, periodicFlush: 1000 }),
  );
}
