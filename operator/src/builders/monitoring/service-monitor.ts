import type { KubernetesObject } from '@kubernetes/client-node';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../../spec/build-inputs.ts';
import { childMetadata, selectorLabels } from '../metadata.ts';

/** monitoring.coreos.com/v1 ServiceMonitor, the fields the operator sets. */
export interface ServiceMonitor extends KubernetesObject {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'ServiceMonitor';
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: { port: string; path: string; interval: string; scrapeTimeout: string; scheme: 'http' }[];
  };
}

export function serviceMonitorName(petStore: PetStore): string {
  return petStore.metadata.name;
}

/** How often Prometheus scrapes the API pods; the recording rules' 5-minute windows hold ten samples. */
export const scrapeInterval = '30s';

/**
 * Scrapes the API pods' /metrics through the PetStore's Service (its `http` port, the pods' 8080), in the PetStore's
 * namespace only. The job label is the Service's name, the PetStore's: the rules and dashboard select on it.
 */
export function buildServiceMonitor({ petStore }: BuildInputs): ServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: childMetadata(petStore, serviceMonitorName(petStore)),
    spec: {
      selector: { matchLabels: selectorLabels(petStore) },
      namespaceSelector: { matchNames: [petStore.metadata.namespace] },
      endpoints: [{ port: 'http', path: '/metrics', interval: scrapeInterval, scrapeTimeout: '10s', scheme: 'http' }],
    },
  };
}
