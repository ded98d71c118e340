import { PermanentError } from '../../runtime/errors.ts';
import type { DesiredInstance } from './desired-instance.ts';
import type { RdsSettings } from './options.ts';

/**
 * The administrator's cost limits (chart values rds.allowedInstanceClasses and rds.maxAllocatedStorage): a spec beyond
 * them is refused before any AWS call, with the limit named (Stalled, reason OverLimit).
 */
export function checkLimits(desired: DesiredInstance, settings: RdsSettings): void {
  const allowed = settings.allowedInstanceClasses;
  if (allowed && allowed.length > 0 && !allowed.includes(desired.instanceClass)) {
    throw new PermanentError(
      `spec.database.rds.instanceClass ${desired.instanceClass} is not allowed by this operator's administrator ` +
        `(allowed: ${allowed.join(', ')}; chart value rds.allowedInstanceClasses)`,
      { reason: 'OverLimit' },
    );
  }
  const max = settings.maxAllocatedStorage;
  if (max === undefined) return;
  for (const [field, value] of [
    ['allocatedStorage', desired.allocatedStorage],
    ['maxAllocatedStorage', desired.maxAllocatedStorage],
  ] as const) {
    if (value !== undefined && value > max) {
      throw new PermanentError(
        `spec.database.rds.${field} ${value} GiB is above this operator's limit of ${max} GiB ` +
          '(chart value rds.maxAllocatedStorage)',
        { reason: 'OverLimit' },
      );
    }
  }
}
