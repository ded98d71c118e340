import type { KubernetesObject } from '@kubernetes/client-node';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../../spec/build-inputs.ts';
import { childMetadata } from '../metadata.ts';
import { parseQuantity } from '../quantity.ts';
import { podMatchers, recorded, recordingRules, scrapeMatchers } from './queries.ts';

export interface PrometheusRuleEntry {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusRuleGroup {
  name: string;
  rules: PrometheusRuleEntry[];
}

/** monitoring.coreos.com/v1 PrometheusRule; `spec` is exactly a Prometheus rule file (promtool reads it as is). */
export interface PrometheusRule extends KubernetesObject {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  spec: { groups: PrometheusRuleGroup[] };
}

/** The five alerts of the requirements, in the order the runbook lists them; each anchor is its docs/runbook.md section. */
export const petStoreAlerts = {
  PetStoreHighErrorRate: { severity: 'critical', runbook: 'petstorehigherrorrate' },
  PetStoreHighLatency: { severity: 'warning', runbook: 'petstorehighlatency' },
  PetStoreHighCPU: { severity: 'warning', runbook: 'petstorehighcpu' },
  PetStoreHighMemory: { severity: 'warning', runbook: 'petstorehighmemory' },
  PetStorePodRestarts: { severity: 'warning', runbook: 'petstorepodrestarts' },
} as const;
export type PetStoreAlertName = keyof typeof petStoreAlerts;

/** How long a condition must hold before its alert fires (restarts fire at once: each one already happened). */
export const alertFor: Record<PetStoreAlertName, string | undefined> = {
  PetStoreHighErrorRate: '5m',
  PetStoreHighLatency: '5m',
  PetStoreHighCPU: '5m',
  PetStoreHighMemory: '5m',
  PetStorePodRestarts: undefined,
};

export function prometheusRuleName(petStore: PetStore): string {
  return petStore.metadata.name;
}

/**
 * The PetStore's recording rules (request rate, error ratio, p95 latency) and its five alerts with the thresholds of
 * spec.monitoring.alerts (precondition: wantsMonitoring).
 */
export function buildPrometheusRule({ petStore, spec }: BuildInputs): PrometheusRule {
  const { namespace, name } = petStore.metadata;
  const thresholds = spec.monitoring.alerts;
  const scrape = scrapeMatchers(petStore);
  const cpuLimit = parseQuantity(spec.resources.limits.cpu ?? '0');
  const memoryLimit = parseQuantity(spec.resources.limits.memory ?? '0');
  const who = `PetStore ${namespace}/${name}`;
  const alert = (
    alertName: PetStoreAlertName,
    expr: string,
    summary: string,
    description: string,
  ): PrometheusRuleEntry => {
    const meta = petStoreAlerts[alertName];
    const duration = alertFor[alertName];
    return {
      alert: alertName,
      expr,
      ...(duration ? { for: duration } : {}),
      labels: { severity: meta.severity, petstore: name },
      annotations: {
        summary,
        description,
        runbook_url: `${spec.monitoring.runbookUrl}#${meta.runbook}`,
      },
    };
  };
  const rules: PrometheusRuleEntry[] = [
    alert(
      'PetStoreHighErrorRate',
      `${recorded.errorRatio}{${scrape}} > ${number(thresholds.errorRatePercent / 100)}`,
      `${who}: more than ${number(thresholds.errorRatePercent)}% of requests fail`,
      `{{ $value | humanizePercentage }} of the requests to ${who} got a 5xx answer over the last 5 minutes ` +
        `(threshold ${number(thresholds.errorRatePercent)}%).`,
    ),
    alert(
      'PetStoreHighLatency',
      `${recorded.latencyP95}{${scrape}} > ${number(thresholds.latencyP95Milliseconds / 1000)}`,
      `${who}: p95 latency above ${thresholds.latencyP95Milliseconds}ms`,
      `The 95th percentile of request duration of ${who} is {{ $value | humanizeDuration }} ` +
        `(threshold ${thresholds.latencyP95Milliseconds}ms).`,
    ),
    alert(
      'PetStoreHighCPU',
      // The API's own process metrics: a Node process is the container's only process, and the limit is this spec's.
      `rate(process_cpu_seconds_total{${scrape}}[5m]) / ${number(cpuLimit)} > ${number(thresholds.cpuPercent / 100)}`,
      `${who}: a pod uses more than ${thresholds.cpuPercent}% of its CPU limit`,
      `Pod {{ $labels.pod }} of ${who} uses {{ $value | humanizePercentage }} of its CPU limit ` +
        `(${spec.resources.limits.cpu}; threshold ${thresholds.cpuPercent}%).`,
    ),
    alert(
      'PetStoreHighMemory',
      `process_resident_memory_bytes{${scrape}} / ${number(memoryLimit)} > ${number(thresholds.memoryPercent / 100)}`,
      `${who}: a pod uses more than ${thresholds.memoryPercent}% of its memory limit`,
      `Pod {{ $labels.pod }} of ${who} uses {{ $value | humanizePercentage }} of its memory limit ` +
        `(${spec.resources.limits.memory}; threshold ${thresholds.memoryPercent}%); past the limit it is OOM-killed.`,
    ),
    alert(
      'PetStorePodRestarts',
      // kube-state-metrics; increase() extrapolates a single restart to at least 1.
      `increase(kube_pod_container_status_restarts_total{${podMatchers(petStore)}}[15m]) >= ${thresholds.podRestarts}`,
      `${who}: pod {{ $labels.pod }} restarted`,
      `The API container of pod {{ $labels.pod }} of ${who} restarted {{ $value | printf "%.0f" }} times in the last ` +
        `15 minutes (threshold ${thresholds.podRestarts}).`,
    ),
  ];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: childMetadata(petStore, prometheusRuleName(petStore)),
    spec: {
      // One group: its rules evaluate in order, so each alert reads the recording rules of the same evaluation.
      groups: [{ name: `petstore.${namespace}.${name}`, rules: [...recordingRules(petStore), ...rules] }],
    },
  };
}

/** A threshold as PromQL reads it: no exponent notation, no float noise (0.1 * 3 would print 0.30000000000000004). */
function number(value: number): string {
  return String(Number(value.toPrecision(12)));
}
