// The Prometheus scrape configuration the Prometheus Operator generates from a ServiceMonitor (its default
// serviceDiscoveryRole, made EndpointSlice here as the Endpoints API is deprecated): Kubernetes service discovery in the
// monitor's namespaces, kept to the Services its selector matches and the endpoint port it names, and the target
// labels its relabelling produces (namespace, service, pod, container, endpoint, job = the Service's name).
import type { ServiceMonitor } from '../../operator/src/builders/monitoring/service-monitor.ts';

type Relabel = Record<string, string | string[]>;

export interface ScrapeConfig {
  job_name: string;
  honor_labels: false;
  kubernetes_sd_configs: { role: 'endpointslice'; namespaces: { names: string[] } }[];
  metrics_path: string;
  scheme: string;
  scrape_interval: string;
  scrape_timeout: string;
  relabel_configs: Relabel[];
}

/** Prometheus' label-name sanitising of a Kubernetes label (`app.kubernetes.io/name` -> `app_kubernetes_io_name`). */
const sanitize = (label: string): string => label.replaceAll(/[^a-zA-Z0-9_]/g, '_');
const escapeRegex = (value: string): string => value.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One scrape config per ServiceMonitor endpoint; `interval` overrides the endpoint's (tests use seconds). */
export function scrapeConfigsFor(monitor: ServiceMonitor, interval?: string): ScrapeConfig[] {
  const namespace = monitor.metadata?.namespace ?? 'default';
  const selector: Relabel[] = Object.entries(monitor.spec.selector.matchLabels).map(([label, value]) => ({
    action: 'keep',
    source_labels: [
      `__meta_kubernetes_service_label_${sanitize(label)}`,
      `__meta_kubernetes_service_labelpresent_${sanitize(label)}`,
    ],
    regex: `(${escapeRegex(value)});true`,
  }));
  return monitor.spec.endpoints.map((endpoint, index) => ({
    job_name: `serviceMonitor/${namespace}/${monitor.metadata?.name ?? ''}/${String(index)}`,
    honor_labels: false,
    kubernetes_sd_configs: [
      { role: 'endpointslice', namespaces: { names: monitor.spec.namespaceSelector.matchNames } },
    ],
    metrics_path: endpoint.path,
    scheme: endpoint.scheme,
    scrape_interval: interval ?? endpoint.interval,
    scrape_timeout: interval ?? endpoint.scrapeTimeout,
    relabel_configs: [
      ...selector,
      {
        action: 'keep',
        source_labels: ['__meta_kubernetes_endpointslice_port_name'],
        regex: escapeRegex(endpoint.port),
      },
      { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' },
      { target_label: 'endpoint', replacement: endpoint.port },
    ],
  }));
}
