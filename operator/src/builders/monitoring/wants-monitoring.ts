import type { BuildInputs } from '../../spec/build-inputs.ts';

/**
 * The precondition of a PetStore's ServiceMonitor, PrometheusRule and dashboard: the cluster serves the Prometheus
 * Operator's kinds and spec.monitoring.enabled is not false.
 */
export function wantsMonitoring(inputs: BuildInputs): boolean {
  return inputs.spec.monitoring.served && inputs.spec.monitoring.enabled !== false;
}
