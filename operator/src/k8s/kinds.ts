/** Where a kind lives in the API; the runtime watches these and RBAC must allow them (a test checks the chart). */
export interface ResourceKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const kindOf = (group: string, version: string, kind: string, plural: string): ResourceKind => ({
  group,
  version,
  kind,
  plural,
  namespaced: true,
});

export const kinds = {
  PetStore: kindOf('petstore.example.com', 'v1alpha1', 'PetStore', 'petstores'),
  PetStoreBackup: kindOf('petstore.example.com', 'v1alpha1', 'PetStoreBackup', 'petstorebackups'),
  ServiceAccount: kindOf('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  ConfigMap: kindOf('', 'v1', 'ConfigMap', 'configmaps'),
  Secret: kindOf('', 'v1', 'Secret', 'secrets'),
  Service: kindOf('', 'v1', 'Service', 'services'),
  Deployment: kindOf('apps', 'v1', 'Deployment', 'deployments'),
  HorizontalPodAutoscaler: kindOf('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  PodDisruptionBudget: kindOf('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  Ingress: kindOf('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  NetworkPolicy: kindOf('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  ResourceQuota: kindOf('', 'v1', 'ResourceQuota', 'resourcequotas'),
  LimitRange: kindOf('', 'v1', 'LimitRange', 'limitranges'),
  Job: kindOf('batch', 'v1', 'Job', 'jobs'),
  // Read on demand (a list by label) when a release fails, never cached: automatic rollback (controller/rollout).
  ReplicaSet: kindOf('apps', 'v1', 'ReplicaSet', 'replicasets'),
  Pod: kindOf('', 'v1', 'Pod', 'pods'),
  // The Prometheus Operator's, served only where its CRDs are installed (k8s/discovery.ts).
  ServiceMonitor: kindOf('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors'),
  PrometheusRule: kindOf('monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules'),
} as const;

export type KindName = keyof typeof kinds;

export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
