import { stringify } from 'yaml';
import type { NodeImages } from './images.ts';
import { networkPolicyEnforcer, realNodeLabel, realNodeNetwork, realNodeTaint } from './node-config.ts';
import { waitFor } from './wait.ts';

/**
 * Cluster DNS (CoreDNS, answering `<service>.<namespace>.svc.cluster.local` on the kube-dns Service 10.0.0.10) and
 * metrics-server (the metrics.k8s.io API behind `kubectl top` and the HPA), as pods on the real node. Both run as
 * non-root with a read-only root filesystem, like the manifests their projects publish.
 */
const placement = {
  nodeSelector: { [realNodeLabel.key]: realNodeLabel.value },
  tolerations: [{ key: realNodeTaint.key, operator: 'Exists', effect: realNodeTaint.effect }],
  priorityClassName: 'system-cluster-critical',
};
const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** No `forward` plugin: names outside the cluster get no answer, so pods never reach past this machine. */
const corefile = `.:53 {
    errors
    health :8080
    ready :8181
    kubernetes ${realNodeNetwork.clusterDomain} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
    reload
}
`;

export function coreDnsManifests(image: string): object[] {
  const labels = { 'k8s-app': 'kube-dns' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: corefile },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...placement,
            serviceAccountName: 'coredns',
            dnsPolicy: 'Default',
            // Port 53 in the pod as on EKS (NetworkPolicies name the pod's port, not the Service's), as a non-root user
            // without capabilities: the pod's own network namespace lets unprivileged processes bind from 53 up.
            securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }] },
            containers: [
              {
                name: 'coredns',
                image,
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
                resources: { requests: { cpu: '50m', memory: '70Mi' }, limits: { memory: '170Mi' } },
                securityContext: restricted,
                volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: 'coredns' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        clusterIP: realNodeNetwork.dnsServiceIP,
        selector: labels,
        ports: [
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        ],
      },
    },
  ];
}

export function metricsServerManifests(image: string): object[] {
  const labels = { 'k8s-app': 'metrics-server' };
  const ns = 'kube-system';
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-server', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
        },
      },
      rules: [{ apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics-server' },
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'metrics-server-auth-reader', namespace: ns },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'extension-apiserver-authentication-reader',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: ns }],
    },
    ...(['system:auth-delegator', 'system:metrics-server'] as const).map((role) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: role === 'system:auth-delegator' ? 'metrics-server:system:auth-delegator' : role },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: ns }],
    })),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'metrics-server', namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...placement,
            serviceAccountName: 'metrics-server',
            containers: [
              {
                name: 'metrics-server',
                image,
                args: [
                  '--cert-dir=/tmp',
                  '--secure-port=10250',
                  '--kubelet-preferred-address-types=InternalIP',
                  '--kubelet-use-node-status-port',
                  '--metric-resolution=15s',
                  // The kubelet serves a self-signed certificate (no serving-certificate bootstrap on this node).
                  '--kubelet-insecure-tls',
                ],
                ports: [{ name: 'https', containerPort: 10250, protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' },
                  periodSeconds: 5,
                  failureThreshold: 3,
                },
                resources: { requests: { cpu: '50m', memory: '100Mi' } },
                securityContext: restricted,
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'metrics-server', namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io', labels },
      spec: {
        service: { name: 'metrics-server', namespace: ns },
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}

/**
 * What the NetworkPolicy enforcer (a host process, real-node.ts) reads: pods, namespaces and NetworkPolicies, plus the
 * events it records; bound to the user of its client certificate. kube-network-policies' own manifest, for a user.
 */
export function networkPolicyEnforcerRbac(): object[] {
  const name = networkPolicyEnforcer.user;
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
    },
  ];
}

/** Applies the add-ons and the enforcer's RBAC; resolves once CoreDNS is Ready and the metrics API is served. */
export async function applyClusterAddons(
  kubectl: (args: readonly string[], input?: string) => Promise<string>,
  images: NodeImages,
): Promise<void> {
  const manifests = [
    ...coreDnsManifests(images.coredns.ref),
    ...metricsServerManifests(images['metrics-server'].ref),
    ...networkPolicyEnforcerRbac(),
  ];
  await kubectl(
    ['apply', '--server-side', '--field-manager=petstore-cluster', '-f', '-'],
    manifests.map((manifest) => stringify(manifest)).join('---\n'),
  );
  await kubectl(['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=120s']);
  await kubectl(['-n', 'kube-system', 'rollout', 'status', 'deployment/metrics-server', '--timeout=120s']);
  await waitFor(
    async () =>
      (
        await kubectl([
          'get',
          'apiservice',
          'v1beta1.metrics.k8s.io',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Available")].status}',
        ])
      ).trim() === 'True',
    60_000,
    'the metrics.k8s.io API (metrics-server) to become available',
  );
}
