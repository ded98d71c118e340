// A Prometheus scrape configuration equivalent to what the Prometheus Operator generates from a ServiceMonitor, for a
// target outside Kubernetes (an API process on this machine): same job name, metrics path, scheme and the target
// labels its Kubernetes relabelling would produce (namespace, service, pod, container, endpoint, job = Service name).
import type { ServiceMonitor } from '../../operator/src/builders/monitoring/service-monitor.ts';

export interface HostTarget {
  /** host:port of the process standing in for the pod. */
  address: string;
  /** The Service the ServiceMonitor selects (its name becomes the job label). */
  serviceName: string;
  /** The pod name the process stands in for. */
  pod: string;
  container: string;
}

export interface ScrapeConfig {
  job_name: string;
  honor_labels: false;
  metrics_path: string;
  scheme: string;
  scrape_interval: string;
  scrape_timeout: string;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
}

/** One scrape config per ServiceMonitor endpoint; `interval` overrides the endpoint's (tests use seconds). */
export function scrapeConfigsFor(monitor: ServiceMonitor, target: HostTarget, interval?: string): ScrapeConfig[] {
  const namespace = monitor.metadata?.namespace ?? 'default';
  return monitor.spec.endpoints.map((endpoint, index) => ({
    job_name: `serviceMonitor/${namespace}/${monitor.metadata?.name ?? ''}/${index}`,
    honor_labels: false,
    metrics_path: endpoint.path,
    scheme: endpoint.scheme,
    scrape_interval: interval ?? endpoint.interval,
    scrape_timeout: interval ?? endpoint.scrapeTimeout,
    static_configs: [
      {
        targets: [target.address],
        labels: {
          namespace,
          service: target.serviceName,
          pod: target.pod,
          container: target.container,
          endpoint: endpoint.port,
          job: target.serviceName,
        },
      },
    ],
  }));
}
