// examples/sqlite.yaml on the real node: the operator (default API image = the one built from Dockerfile.api) makes a
// Deployment whose pod really starts, passes its real readiness probe under the restricted Pod Security Standard with
// a read-only root filesystem, and serves the API through the Service's ClusterIP and DNS name to another pod.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, realNode, useNamespace } from '../cluster/fixtures.ts';
import { realNodeNetwork } from '../cluster/node-config.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';
import { repoRoot } from './operator-process.ts';
import { restrictedPod } from './real-node-pods.ts';
import { apiKeyOf } from './api-key.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
let operator: OperatorProcess;

/** Runs a script with Node.js in the client pod and returns its stdout. */
async function inClient(script: string): Promise<string> {
  return kubectl(['-n', namespace.name, 'exec', 'client', '--', 'node', '-e', script]);
}

describe('a SQLite PetStore on the real node', () => {
  beforeAll(async () => {
    await installCrd();
    operator = await startOperator({
      args: [`--namespaces=${namespace.name}`],
      // The real node enforces the PetStore's NetworkPolicy: the client pod stands in for the load balancer, so the
      // pod network is the "load balancer's subnets" the policy admits by default.
      env: { PETSTORE_API_IMAGE: realNode().images.api.ref, PETSTORE_ALLOWED_CIDRS: realNodeNetwork.podCIDR },
    });
    const example = readFileSync(path.join(repoRoot, 'examples/sqlite.yaml'), 'utf8');
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: example });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/quickstart', '--timeout=240s']);
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify(restrictedPod('client', realNode().images.api.ref, ['sleep', 'infinity'])),
    });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']);
  }, 360_000);

  afterAll(async () => {
    await operator.stop();
  });

  it('runs its pod on the real node from the locally built API image, Ready by its real probe', async () => {
    const pods = JSON.parse(
      await kubectl(['-n', namespace.name, 'get', 'pods', '-l', 'app.kubernetes.io/instance=quickstart', '-o', 'json']),
    ) as {
      items: {
        spec: { nodeName: string; containers: { image: string }[] };
        status: { conditions: { type: string; status: string }[]; containerStatuses: { ready: boolean }[] };
      }[];
    };
    const running = pods.items.filter((pod) => pod.status.containerStatuses[0]?.ready);
    expect(running).toHaveLength(1);
    expect(running[0]?.spec.nodeName).toBe(realNodeNetwork.nodeName);
    expect(running[0]?.spec.containers[0]?.image).toBe(realNode().images.api.ref);
  });

  it('creates, reads and lists pets through the Service DNS name from another pod', async () => {
    const base = `http://quickstart.${namespace.name}.svc.${realNodeNetwork.clusterDomain}/api/v1`;
    // Writes need the PetStore's API key, which the operator generated into <name>-api-keys.
    const key = await apiKeyOf(namespace.name, 'quickstart');
    const created = JSON.parse(
      await inClient(
        `fetch('${base}/pets', { method: 'POST', headers: { 'content-type': 'application/json', api_key: '${key}' }, ` +
          `body: JSON.stringify({ name: 'Rex', photoUrls: [], status: 'available' }) })` +
          `.then(async (r) => console.log(JSON.stringify({ status: r.status, location: r.headers.get('location'), body: await r.json() })))`,
      ),
    ) as { status: number; location: string; body: { id: number; name: string } };
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('Rex');
    const read = JSON.parse(
      await inClient(`fetch('${base}/pets/${String(created.body.id)}').then(async (r) => console.log(await r.text()))`),
    ) as { name: string };
    expect(read.name).toBe('Rex');
    const list = await inClient(`fetch('${base}/pets').then(async (r) => console.log(await r.text()))`);
    expect(list).toContain('"Rex"');
  });

  it('answers on the Service ClusterIP too', async () => {
    const clusterIP = (
      await kubectl(['-n', namespace.name, 'get', 'service', 'quickstart', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    const out = await inClient(
      `fetch('http://${clusterIP}/api/v1/health').then(async (r) => console.log(r.status, await r.text()))`,
    );
    expect(out).toMatch(/^200 /);
  });
});
