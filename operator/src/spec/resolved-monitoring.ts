import type { PetStoreSpec } from '../api/v1alpha1/petstore.ts';

/** Alert thresholds of a PetStore's PrometheusRule, with the requirements' values as defaults. */
export interface AlertThresholds {
  /** Percentage of requests answered 5xx. */
  errorRatePercent: number;
  latencyP95Milliseconds: number;
  /** Percentage of the container's CPU limit. */
  cpuPercent: number;
  /** Percentage of the container's memory limit. */
  memoryPercent: number;
  /** Container restarts of one pod within 15 minutes. */
  podRestarts: number;
}

export interface ResolvedMonitoring {
  /** undefined: on when the cluster serves the monitoring.coreos.com CRDs (decided by the reconcile, not the spec). */
  enabled: boolean | undefined;
  alerts: AlertThresholds;
  /** docs/runbook.md as published for this installation; alerts link its sections. */
  runbookUrl: string;
  /** The cluster serves monitoring.coreos.com/v1 ServiceMonitor and PrometheusRule (discovery, at operator start). */
  served: boolean;
}

export interface ResolvedRollout {
  timeoutSeconds: number;
  automaticRollback: boolean;
}

export const defaultAlertThresholds: AlertThresholds = {
  errorRatePercent: 1,
  latencyP95Milliseconds: 500,
  cpuPercent: 85,
  memoryPercent: 85,
  podRestarts: 1,
};

export const defaultRolloutTimeoutSeconds = 300;

export function resolveMonitoring(spec: PetStoreSpec, runbookUrl: string, served: boolean): ResolvedMonitoring {
  const alerts = spec.monitoring?.alerts ?? {};
  return {
    enabled: spec.monitoring?.enabled,
    alerts: {
      errorRatePercent: alerts.errorRatePercent ?? defaultAlertThresholds.errorRatePercent,
      latencyP95Milliseconds: alerts.latencyP95Milliseconds ?? defaultAlertThresholds.latencyP95Milliseconds,
      cpuPercent: alerts.cpuPercent ?? defaultAlertThresholds.cpuPercent,
      memoryPercent: alerts.memoryPercent ?? defaultAlertThresholds.memoryPercent,
      podRestarts: alerts.podRestarts ?? defaultAlertThresholds.podRestarts,
    },
    runbookUrl,
    served,
  };
}

/** The rollout settings; a timeout the schema would refuse (older objects, a bypassed webhook) falls back to 5 minutes. */
export function resolveRollout(spec: PetStoreSpec): ResolvedRollout {
  const seconds = spec.rollout?.timeout === undefined ? undefined : durationSeconds(spec.rollout.timeout);
  return {
    timeoutSeconds: seconds === undefined || seconds <= 0 ? defaultRolloutTimeoutSeconds : seconds,
    automaticRollback: spec.rollout?.automaticRollback ?? true,
  };
}

/** Seconds of a duration as the CRD allows it (`90s`, `5m`, `1h30m`); undefined for anything else. */
function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}
