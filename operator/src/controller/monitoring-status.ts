import type { ResolvedMonitoring } from '../spec/resolved-monitoring.ts';

export interface MonitoringStatus {
  /** The ServiceMonitor, PrometheusRule and dashboard are (to be) applied. */
  active: boolean;
  message?: string;
}

/**
 * Whether a PetStore's monitoring objects exist, from its spec and what discovery says (undefined: not known yet,
 * treated as not served). A cluster without the CRDs is a fact to state once in status.monitoring, not an error.
 */
export function monitoringStatus(monitoring: ResolvedMonitoring, served: boolean | undefined): MonitoringStatus {
  if (monitoring.enabled === false) return { active: false, message: 'spec.monitoring.enabled is false' };
  if (served !== true) {
    return {
      active: false,
      message:
        'the cluster does not serve monitoring.coreos.com/v1 ServiceMonitor and PrometheusRule (the Prometheus ' +
        'Operator CRDs): no ServiceMonitor, PrometheusRule or dashboard is created until they are installed',
    };
  }
  return { active: true };
}
