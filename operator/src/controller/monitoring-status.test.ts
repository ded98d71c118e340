import { describe, expect, it } from '@jest/globals';
import { defaultAlertThresholds, resolveRollout } from '../spec/resolved-monitoring.ts';
import { monitoringStatus } from './monitoring-status.ts';

const monitoring = (enabled: boolean | undefined) => ({
  enabled,
  alerts: defaultAlertThresholds,
  runbookUrl: 'https://x',
  served: true,
});

describe('monitoringStatus', () => {
  it('is active when the spec leaves it on and the cluster serves the CRDs', () => {
    expect(monitoringStatus(monitoring(undefined), true)).toEqual({ active: true });
    expect(monitoringStatus(monitoring(true), true)).toEqual({ active: true });
  });

  it('says why not, without an error, when the CRDs are missing (even if asked for explicitly)', () => {
    for (const enabled of [undefined, true]) {
      const status = monitoringStatus(monitoring(enabled), false);
      expect(status.active).toBe(false);
      expect(status.message).toMatch(/does not serve monitoring.coreos.com\/v1/);
    }
    expect(monitoringStatus(monitoring(undefined), undefined).active).toBe(false);
  });

  it('is off when the spec turns it off', () => {
    expect(monitoringStatus(monitoring(false), true)).toEqual({
      active: false,
      message: 'spec.monitoring.enabled is false',
    });
  });
});

describe('resolveRollout', () => {
  it.each([
    [undefined, 300],
    ['90s', 90],
    ['5m', 300],
    ['1h30m', 5400],
    ['banana', 300],
  ])('timeout %s is %i s', (timeout, seconds) => {
    expect(resolveRollout(timeout === undefined ? {} : { rollout: { timeout } }).timeoutSeconds).toBe(seconds);
  });

  it('rolls back automatically unless the spec says otherwise', () => {
    expect(resolveRollout({}).automaticRollback).toBe(true);
    expect(resolveRollout({ rollout: { automaticRollback: false } }).automaticRollback).toBe(false);
  });
});
