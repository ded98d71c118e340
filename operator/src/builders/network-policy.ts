import type { V1NetworkPolicy, V1NetworkPolicyEgressRule } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { apiPort } from './pod-spec.ts';
import { childMetadata, childNames, selectorLabels } from './metadata.ts';

/** Precondition: spec.networkPolicy.enabled (on by default). */
export function wantsNetworkPolicy({ spec }: BuildInputs): boolean {
  return spec.networkPolicy.enabled;
}

/**
 * Default deny for the API pods (both directions), except inbound to 8080 from the allowed networks (the load
 * balancer) and from the metrics namespaces (Prometheus scrapes /metrics), and outbound DNS and database traffic. Scoped to this PetStore's pods, so other workloads in the namespace are not affected.
 */
export function buildNetworkPolicy({ petStore, spec }: BuildInputs): V1NetworkPolicy {
  const egress: V1NetworkPolicyEgressRule[] = [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ];
  if (spec.database.engine !== 'sqlite') {
    egress.push({
      to: spec.networkPolicy.databaseCIDRs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(petStore, childNames(petStore).networkPolicy),
    spec: {
      podSelector: { matchLabels: selectorLabels(petStore) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          _from: [
            ...spec.networkPolicy.allowedCIDRs.map((cidr) => ({ ipBlock: { cidr } })),
            ...(spec.networkPolicy.metricsNamespaces.length > 0
              ? [
                  {
                    namespaceSelector: {
                      matchExpressions: [
                        {
                          key: 'kubernetes.io/metadata.name',
                          operator: 'In',
                          values: spec.networkPolicy.metricsNamespaces,
                        },
                      ],
                    },
                  },
                ]
              : []),
          ],
          ports: [{ protocol: 'TCP', port: apiPort }],
        },
      ],
      egress,
    },
  };
}
