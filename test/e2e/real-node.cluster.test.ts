// The real node: a pod in a namespace that asks for it runs a real container (containerd + runc) with a real network
// (CNI bridge), cluster DNS and kube-proxy answer from inside it, kubectl logs/exec/port-forward reach it through the
// kubelet, metrics-server reports its CPU, and the kwok nodes keep everything else.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cluster, kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { realNodeNetwork, realNodeTaint } from '../cluster/node-config.ts';
import { freePorts } from '../cluster/ports.ts';
import { restrictedPod } from './real-node-pods.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });

describe('the real node', () => {
  beforeAll(async () => {
    // A small HTTP server in the API image (it has Node.js), to be reached through a Service.
    const server =
      "require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen(8080);" +
      "console.log('listening on 8080')";
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          restrictedPod('echo', realNode().images.api.ref, ['node', '-e', server], { app: 'echo' }),
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'echo' },
            spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] },
          },
        ],
      }),
    });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'pod/echo', '--timeout=120s']);
  }, 180_000);

  it('is Ready, tainted, and leaves the kwok nodes to kwok', async () => {
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        spec: { taints?: { key: string; effect: string }[] };
        status: { conditions: { type: string; status: string }[]; nodeInfo: { containerRuntimeVersion: string } };
      }[];
    };
    const ready = (name: string) =>
      nodes.items.find((n) => n.metadata.name === name)?.status.conditions.find((c) => c.type === 'Ready')?.status;
    const node = nodes.items.find((n) => n.metadata.name === realNodeNetwork.nodeName);
    expect(ready(realNodeNetwork.nodeName)).toBe('True');
    expect(node?.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(node?.spec.taints).toContainEqual({ key: realNodeTaint.key, value: 'true', effect: 'NoSchedule' });
    for (const name of ['kwok-node-0', 'kwok-node-1', 'kwok-node-2']) expect(ready(name)).toBe('True');
  });

  it('runs the pod in a real container, whose output `kubectl logs` shows', async () => {
    const pod = JSON.parse(await kubectl(['-n', namespace.name, 'get', 'pod', 'echo', '-o', 'json'])) as {
      spec: { nodeName: string };
      status: { podIP: string; containerStatuses: { containerID: string }[] };
    };
    expect(pod.spec.nodeName).toBe(realNodeNetwork.nodeName);
    expect(pod.status.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(pod.status.containerStatuses[0]?.containerID).toMatch(/^containerd:\/\//);
    expect(await kubectl(['-n', namespace.name, 'logs', 'echo'])).toContain('listening on 8080');
  });

  it('runs commands in it with `kubectl exec`, as the non-root user the pod asked for', async () => {
    const out = await kubectl(['-n', namespace.name, 'exec', 'echo', '--', 'node', '-p', 'process.getuid()']);
    expect(out.trim()).toBe('1000');
  });

  it('answers through a Service by its DNS name, from another pod (CoreDNS and kube-proxy)', async () => {
    const url = `http://echo.${namespace.name}.svc.${realNodeNetwork.clusterDomain}/`;
    const out = await kubectl([
      '-n',
      namespace.name,
      'exec',
      'echo',
      '--',
      'node',
      '-e',
      `fetch(${JSON.stringify(url)}).then(async (r) => console.log(r.status, await r.text()))`,
    ]);
    expect(out.trim()).toBe('200 hello from echo');
  });

  it('forwards a local port to the pod with `kubectl port-forward`', async () => {
    const [port] = await freePorts(1);
    const forward = spawn(
      cluster().binaries?.kubectl ?? 'kubectl',
      ['--kubeconfig', cluster().kubeconfig, '-n', namespace.name, 'port-forward', 'pod/echo', `${String(port)}:8080`],
      { stdio: 'ignore' },
    );
    try {
      const body = await waitFor(
        async () => (await fetch(`http://127.0.0.1:${String(port)}/`)).text(),
        30_000,
        'kubectl port-forward to serve',
      );
      expect(body).toBe('hello from echo');
    } finally {
      forward.kill('SIGTERM');
    }
  });

  it('reports the pod’s CPU and memory through metrics-server (`kubectl top`)', async () => {
    const top = await waitFor(
      () => kubectl(['-n', namespace.name, 'top', 'pod', 'echo', '--no-headers']),
      120_000,
      'metrics-server to report the pod',
      2_000,
    );
    expect(top).toMatch(/^echo\s+\d+m\s+\d+Mi/);
  });

  afterAll(async () => {
    await kubectl(['-n', namespace.name, 'delete', 'pod', 'echo', '--grace-period=1', '--wait=false']).catch(
      () => undefined,
    );
  });
});
