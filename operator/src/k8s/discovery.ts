// Whether the cluster serves the Prometheus Operator's kinds (monitoring.coreos.com/v1 ServiceMonitor and
// PrometheusRule), read from API discovery; looked at again periodically, so CRDs installed later are noticed.
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

export const monitoringGroupVersion = { group: 'monitoring.coreos.com', version: 'v1' } as const;
/** The resources the operator creates for a monitored PetStore; all must be served. */
export const monitoringResources = ['servicemonitors', 'prometheusrules'] as const;

/** The resource names a group/version serves, or an empty list when the API server does not serve it (404). */
export type DiscoverResources = (group: string, version: string) => Promise<string[]>;

export function discoverResources(kubeConfig: KubeConfig): DiscoverResources {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return async (group, version) => {
    try {
      return (await api.getAPIResources({ group, version })).resources.map((resource) => resource.name);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return [];
      throw error;
    }
  };
}

/** True when every resource the PetStore monitoring needs is served. */
export function servesMonitoring(resources: readonly string[]): boolean {
  return monitoringResources.every((name) => resources.includes(name));
}

/**
 * Remembers what discovery said last: `refresh()` asks again and tells whether the answer changed (then every
 * PetStore needs a reconcile). An error keeps the last answer, so a flaky API server does not flip monitoring.
 */
export class MonitoringDiscovery {
  #served: boolean | undefined;
  readonly #discover: DiscoverResources;

  constructor(discover: DiscoverResources) {
    this.#discover = discover;
  }

  /** The last answer; undefined before the first successful look. */
  get served(): boolean | undefined {
    return this.#served;
  }

  async refresh(): Promise<{ served: boolean | undefined; changed: boolean }> {
    const before = this.#served;
    try {
      this.#served = servesMonitoring(
        await this.#discover(monitoringGroupVersion.group, monitoringGroupVersion.version),
      );
    } catch {
      // keep the last answer
    }
    return { served: this.#served, changed: before !== undefined && before !== this.#served };
  }
}
