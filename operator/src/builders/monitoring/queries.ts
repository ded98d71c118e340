// The PromQL a PetStore's alerts and dashboard share: one place for its series selectors and recording rules.
import type { PetStore } from '../../api/v1alpha1/petstore.ts';

/** Names of the recording rules every PetStore's PrometheusRule defines (the dashboard and the alerts read them). */
export const recorded = {
  requestRate: 'petstore:http_requests:rate5m',
  errorRatio: 'petstore:http_request_errors:ratio_rate5m',
  latencyP95: 'petstore:http_request_duration_seconds:p95_5m',
} as const;

/** The API container's name in the Deployment (kube-state-metrics labels restarts with it). */
export const apiContainer = 'api';

/** A PromQL string literal; names are DNS labels already, quoting keeps that an invariant rather than an assumption. */
function literal(value: string): string {
  return JSON.stringify(value);
}

/**
 * Label matchers selecting one PetStore's series as the ServiceMonitor scrapes them: the job is the Service's name
 * (the PetStore's), in its namespace.
 */
export function scrapeMatchers(petStore: PetStore): string {
  return `namespace=${literal(petStore.metadata.namespace)}, job=${literal(petStore.metadata.name)}`;
}

/**
 * Matchers for kube-state-metrics series of the PetStore's pods: pods are named `<deployment>-<template hash>-<suffix>`,
 * and the anchored regular expression keeps a PetStore named `shop` from matching `shop-eu`'s pods.
 */
export function podMatchers(petStore: PetStore): string {
  const name = petStore.metadata.name.replaceAll('.', '\\\\.');
  return `namespace=${literal(petStore.metadata.namespace)}, pod=~"${name}-[a-z0-9]{1,10}-[a-z0-9]{5}", container="${apiContainer}"`;
}

/** The recording rules, each with its expression over the API's own metrics (api/src/http/metrics.ts). */
export function recordingRules(petStore: PetStore): { record: string; expr: string }[] {
  const m = scrapeMatchers(petStore);
  const by = 'sum by (namespace, job)';
  return [
    { record: recorded.requestRate, expr: `${by} (rate(http_requests_total{${m}}[5m]))` },
    {
      // Zero rather than no value while requests succeed: the numerator's series only exist after a first 5xx.
      record: recorded.errorRatio,
      expr:
        `(${by} (rate(http_requests_total{${m}, status_code=~"5.."}[5m])) or ${by} (rate(http_requests_total{${m}}[5m])) * 0)` +
        ` / ${by} (rate(http_requests_total{${m}}[5m]))`,
    },
    {
      record: recorded.latencyP95,
      expr: `histogram_quantile(0.95, sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{${m}}[5m])))`,
    },
  ];
}
