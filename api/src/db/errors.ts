// Classifies driver errors (pg and better-sqlite3, possibly wrapped in TypeORM's QueryFailedError) by what they mean
// to a client, so handlers can answer 409/422 and the error middleware 503 instead of a bare 500.

interface DriverError {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function* chain(error: unknown): Generator<DriverError> {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const current = e as DriverError;
    yield current;
    e = current.driverError ?? current.cause;
  }
}

const hasCode = (error: unknown, codes: readonly string[]): boolean =>
  [...chain(error)].some((e) => typeof e.code === 'string' && codes.includes(e.code));

/** A unique or primary key constraint refused the write. */
export const isUniqueViolation = (error: unknown): boolean =>
  hasCode(error, ['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/** A foreign key refused the write: the referenced row is missing, or a row still references the deleted one. */
export const isForeignKeyViolation = (error: unknown): boolean =>
  hasCode(error, ['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']) ||
  // SQLite reports an ON DELETE RESTRICT refusal as SQLITE_CONSTRAINT_TRIGGER.
  [...chain(error)].some((e) => typeof e.message === 'string' && e.message.includes('FOREIGN KEY constraint failed'));

// Connection-level failures: the server is down, restarting, unreachable, out of connections, or locked.
const unavailableCodes = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
  'SQLITE_BUSY',
];
const unavailableMessages =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|pool is (?:ended|closed)/i;

/** The database could not be reached (as opposed to refusing a statement): worth a 503 and a retry. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return [...chain(error)].some(
    (e) =>
      (typeof e.code === 'string' && (unavailableCodes.includes(e.code) || e.code.startsWith('08'))) ||
      (typeof e.message === 'string' && unavailableMessages.test(e.message)),
  );
}

/** A compare-and-set on a row's version lost the race three times in a row: the row is being changed concurrently. */
export class ConcurrentUpdateError extends Error {
  override name = 'ConcurrentUpdateError';
  constructor() {
    super('the resource is being changed concurrently; retry');
  }
}
