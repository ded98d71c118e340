/**
 * The value a builder's precondition guarantees. A builder called although its precondition is false is a bug in the
 * declared workflow (controller/dependents.ts), never a user error.
 */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`builder called without ${what}: its precondition was not checked`);
  return value;
}
