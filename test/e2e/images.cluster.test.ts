// The images built from Dockerfile.api and Dockerfile.operator, run as pods on the real node under the restricted Pod
// Security Standard with a read-only root filesystem: they start as their non-root USER (no runAsUser in the pod),
// their entry commands run, and the files users rely on are there (RDS CA bundle, package list), while npm and shells are not.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });

/** A restricted pod that leaves the user to the image (runAsNonRoot makes the kubelet refuse a root image). */
function imagePod(name: string, image: string, extra: { command?: string[]; args?: string[] }, restart: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: restart,
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name,
          image,
          ...extra,
          resources: { limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '100Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

const exec = (pod: string, script: string): Promise<string> =>
  kubectl(['-n', namespace.name, 'exec', pod, '--', 'node', '-e', script]);

describe('the API image', () => {
  beforeAll(async () => {
    // Its own CMD (node dist/main.js) on SQLite needs a writable /data: an emptyDir, as the operator mounts one.
    const pod = imagePod('api', realNode().images.api.ref, {}, 'Always') as {
      spec: { containers: { volumeMounts: object[] }[]; volumes: object[] };
    };
    pod.spec.containers[0]?.volumeMounts.push({ name: 'data', mountPath: '/data' });
    pod.spec.volumes.push({ name: 'data', emptyDir: {} });
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], { input: JSON.stringify(pod) });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'pod/api', '--timeout=120s']);
  }, 180_000);

  it('starts its entry command as uid 1000 on a read-only root filesystem and serves the health endpoint', async () => {
    expect((await exec('api', 'console.log(process.getuid(), process.getgid())')).trim()).toBe('1000 1000');
    // The pod has no readiness probe here: Ready means started, so give the server a moment to listen.
    const health = await waitFor(
      () => exec('api', "fetch('http://127.0.0.1:8080/api/v1/health').then(async (r) => console.log(r.status))"),
      30_000,
      'the API to listen on 8080',
    );
    expect(health.trim()).toBe('200');
    expect(await exec('api', "require('fs').writeFileSync('/app/x', '')").catch((e: unknown) => String(e))).toMatch(
      /EROFS|read-only/,
    );
  });

  it('holds the RDS CA bundle it trusts and its npm package list, and no npm', async () => {
    const facts = JSON.parse(
      await exec(
        'api',
        "const fs = require('fs'); console.log(JSON.stringify({ ca: process.env.NODE_EXTRA_CA_CERTS, " +
          "certs: fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8').split('BEGIN CERTIFICATE').length - 1, " +
          "packages: JSON.parse(fs.readFileSync('/app/npm-packages.json', 'utf8')).map((p) => p.name), " +
          "npm: fs.existsSync('/usr/local/bin/npm') }))",
      ),
    ) as { ca: string; certs: number; packages: string[]; npm: boolean };
    expect(facts.ca).toBe('/etc/ssl/certs/rds-ca.pem');
    expect(facts.certs).toBeGreaterThan(100);
    expect(facts.packages).toEqual(expect.arrayContaining(['koa', 'pg', 'typeorm']));
    expect(facts.npm).toBe(false);
  });
});

describe('the operator image', () => {
  beforeAll(async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify(imagePod('operator-help', realNode().images.operator.ref, { args: ['--help'] }, 'Never')),
    });
  });

  it('runs its ENTRYPOINT as uid 65532, printing its flags', async () => {
    const phase = await waitFor(
      async () => {
        const value = (
          await kubectl(['-n', namespace.name, 'get', 'pod', 'operator-help', '-o', 'jsonpath={.status.phase}'])
        ).trim();
        return value === 'Succeeded' || value === 'Failed' ? value : undefined;
      },
      120_000,
      'the operator --help pod to finish',
    );
    expect(phase).toBe('Succeeded');
    expect(await kubectl(['-n', namespace.name, 'logs', 'operator-help'])).toContain('--leader-elect');
  });

  it('has no shell', async () => {
    await kubectl(['-n', namespace.name, 'apply', '-f', '-'], {
      input: JSON.stringify(
        imagePod('operator-shell', realNode().images.operator.ref, { command: ['/bin/sh', '-c', 'true'] }, 'Never'),
      ),
    });
    const reason = await waitFor(
      async () => {
        const value = (
          await kubectl([
            '-n',
            namespace.name,
            'get',
            'pod',
            'operator-shell',
            '-o',
            'jsonpath={.status.containerStatuses[0].state.*.reason}',
          ])
        ).trim();
        return value === '' || value === 'ContainerCreating' ? undefined : value;
      },
      120_000,
      'the /bin/sh pod to fail',
    );
    expect(reason).toMatch(/StartError|ContainerCannotRun|RunContainerError|Error/);
  });
});
