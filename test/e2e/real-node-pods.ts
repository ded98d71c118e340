// Pods for tests on the real node: they pass the `restricted` Pod Security Standard (the namespaces enforce it) and
// carry requests and limits (the operator's ResourceQuota requires them).
export function restrictedPod(
  name: string,
  image: string,
  command: string[],
  labels: Record<string, string> = {},
): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name,
          image,
          command,
          resources: {
            requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '10Mi' },
            limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '100Mi' },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}
