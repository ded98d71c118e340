import { describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeConfig, kubectl, podSecurity, useNamespace, waitFor } from './fixtures.ts';

const namespace = useNamespace({ labels: podSecurity('restricted') });

const pod = (name: string, securityContext: object) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: namespace.name },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', securityContext }] },
  });

describe('a namespace enforcing the restricted Pod Security Standard', () => {
  it('rejects a privileged pod, naming the violation', async () => {
    const creation = kubectl(['create', '-f', '-'], { input: pod('privileged', { privileged: true }) });

    await expect(creation).rejects.toThrow(
      /pods "privileged" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "app" must not set/,
    );
  });

  it('admits a pod that meets the standard, which then runs', async () => {
    const restricted = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    };

    await kubectl(['create', '-f', '-'], { input: pod('restricted', restricted) });

    const core = kubeConfig().makeApiClient(CoreV1Api);
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ name: 'restricted', namespace: namespace.name })).status?.phase === 'Running',
      60_000,
      'the compliant pod to run',
    );
  });
});
