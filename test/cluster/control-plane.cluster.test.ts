import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import {
  auditLogPath,
  helm,
  kubeConfig,
  kubectl,
  serviceAccountKubeconfig,
  useNamespace,
  waitFor,
} from './fixtures.ts';
import { readVersions } from './versions.ts';

const namespace = useNamespace();

describe('the local control plane', () => {
  it('answers kubectl version with the pinned Kubernetes version', async () => {
    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };

    expect(version.serverVersion.gitVersion).toBe(`v${readVersions().kubernetes}`);
  });

  it('runs a Deployment to Available with Ready pods on kwok nodes', async () => {
    const apps = kubeConfig().makeApiClient(AppsV1Api);
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const labels = { app: 'web' };
    await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: namespace.name },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] },
          },
        },
      }),
    });

    const available = (deployment: V1Deployment) =>
      deployment.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') &&
      deployment.status.readyReplicas === 2;
    await waitFor(
      async () => available(await apps.readNamespacedDeployment({ name: 'web', namespace: namespace.name })),
      60_000,
      'the Deployment to be Available with 2 ready replicas',
    );
    const pods = await core.listNamespacedPod({ namespace: namespace.name, labelSelector: 'app=web' });
    const nodes = await core.listNode();
    const kwokNodes = new Set(
      nodes.items
        .filter((n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake')
        .map((n) => n.metadata?.name),
    );
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(kwokNodes.has(pod.spec?.nodeName)).toBe(true);
    }
  });

  it('garbage-collects an owned object once its owner is deleted', async () => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await kubectl(['-n', namespace.name, 'create', 'configmap', 'owner']);
    const owner = await core.readNamespacedConfigMap({ name: 'owner', namespace: namespace.name });
    await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'owned',
          namespace: namespace.name,
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
        },
        stringData: { key: 'value' },
      }),
    });

    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: namespace.name });

    await waitFor(
      async () =>
        !(await core.listNamespacedSecret({ namespace: namespace.name })).items.some(
          (s) => s.metadata?.name === 'owned',
        ),
      60_000,
      'the garbage collector to delete the owned Secret',
    );
  });

  it('issues ServiceAccount tokens, authorizes them with RBAC and audits every request with its user', async () => {
    await kubectl(['-n', namespace.name, 'create', 'serviceaccount', 'reader']);
    await kubectl(['-n', namespace.name, 'create', 'role', 'pod-reader', '--verb=list', '--resource=pods']);
    const subject = `--serviceaccount=${namespace.name}:reader`;
    await kubectl(['-n', namespace.name, 'create', 'rolebinding', 'reader', '--role=pod-reader', subject]);
    const asReader = ['--kubeconfig', await serviceAccountKubeconfig(namespace.name, 'reader')];

    await expect(kubectl([...asReader, 'get', 'pods'])).resolves.toBeDefined();
    await expect(kubectl([...asReader, 'get', 'secrets'])).rejects.toThrow(/forbidden/);

    const username = `system:serviceaccount:${namespace.name}:reader`;
    const auditLog = auditLogPath();
    const audited = await waitFor(
      () => {
        const entries = readFileSync(auditLog, 'utf8')
          .split('\n')
          .filter((line) => line.includes(username))
          .map((line) => JSON.parse(line) as AuditEvent)
          .filter((e) => e.objectRef?.resource !== undefined)
          .map((e) => `${e.verb} ${e.objectRef?.resource ?? ''} ${String(e.responseStatus?.code)}`);
        return entries.length >= 2 ? entries : undefined;
      },
      10_000,
      'audit events of the ServiceAccount',
    );
    expect(audited).toEqual(expect.arrayContaining(['list pods 200', 'list secrets 403']));
  });

  it('installs a Helm chart with the pinned helm', async () => {
    const chart = mkdtempSync(join(tmpdir(), 'chart-'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: hello\nversion: 0.1.0\n');
    writeFileSync(
      join(chart, 'templates', 'config.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: {{ .Values.greeting }}\n',
    );
    try {
      expect(await helm(['version', '--template', '{{.Version}}'])).toBe(`v${readVersions().helm}`);

      await helm(['install', 'demo', chart, '-n', namespace.name, '--set', 'greeting=hi', '--wait']);

      const greeting = await kubectl([
        '-n',
        namespace.name,
        'get',
        'configmap',
        'demo-greeting',
        '-o',
        'jsonpath={.data.greeting}',
      ]);
      expect(greeting).toBe('hi');
    } finally {
      rmSync(chart, { recursive: true, force: true });
    }
  });
});

interface AuditEvent {
  verb: string;
  objectRef?: { resource?: string };
  responseStatus?: { code?: number };
}
