import { pino, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config.ts';

/** The runtime's structured logger: pino, one JSON object per line on stdout. */
export type Logger = PinoLogger;

/**
 * Field paths never written to logs, whatever object a caller passes: credentials, Secret payloads and auth headers.
 * Redacting by path (not by scanning) keeps logging cheap.
 */
const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'stringData',
  '*.stringData',
  'data',
  '*.data',
];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where to write; defaults to stdout. Tests pass a stream to read the lines back. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * A JSON logger with ISO timestamps and textual levels (`"level":"info"`), which log pipelines parse without knowing
 * pino's numeric levels. No `name` field: `name` and `namespace` are the reconciled object's, as in controller-runtime.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  // Synchronous writes to stdout (pino's default): the last lines before an exit (lease lost) must not be lost.
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
