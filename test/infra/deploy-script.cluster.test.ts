// scripts/deploy.sh's release and verify phases against the local cluster: the real kubectl and helm, the real
// operator chart, the operator as a process reconciling the PetStore the script applies. Stand-ins remain only for
// what cannot run here: aws, terraform and docker (and curl, whose target is an AWS load balancer). The two platform
// charts come from a chart repository this file serves (stand-in charts under the pinned names and versions).
// kwok plays the kubelet, so no container runs: the NetworkPolicy probe Job completes as it would on a cluster that
// does not enforce NetworkPolicies, and the cluster serves no resource metrics. Both must fail the verification.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cluster, helm, kubectl, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from '../e2e/operator.ts';
import { isolatedChart } from '../chart/isolated-chart.ts';
import { eksStyleKubeconfig, runScriptAsync, type ScriptRun } from './stand-ins.ts';
import { repoRoot } from './tools.ts';
import { scratchDir } from '../scratch.ts';

const suffix = Math.random().toString(36).slice(2, 7);
const namespace = `deploy-sh-${suffix}`;
const operatorNamespace = `deploy-sh-operator-${suffix}`;
const standInCrdGroup = `deploy-sh-${suffix}.example.com`;
const versions = Object.fromEntries(
  readFileSync(path.join(repoRoot, 'scripts/lib/versions.env'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=([^$\s]+)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2]!]),
);

let repository: Server | undefined;
let repositoryUrl: string;
let operator: OperatorProcess | undefined;
let kubeconfig: string;
const operatorChart = isolatedChart({ group: `deploy-sh-${suffix}.example.com` });

/** A chart repository with stand-in charts named and versioned as versions.env pins them. */
async function serveChartRepository(): Promise<void> {
  const dir = scratchDir('deploy-sh-charts-');
  const repo = path.join(dir, 'repo');
  mkdirSync(repo);
  const server = createServer((request, response) => {
    try {
      response.end(readFileSync(path.join(repo, path.basename(request.url ?? ''))));
    } catch {
      response.statusCode = 404;
      response.end();
    }
  });
  repository = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repositoryUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const charts = {
    'aws-load-balancer-controller': versions.AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION!,
    'cluster-autoscaler': versions.CLUSTER_AUTOSCALER_CHART_VERSION!,
  };
  for (const [name, version] of Object.entries(charts)) {
    const chart = path.join(dir, name);
    mkdirSync(path.join(chart, 'templates'), { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
    writeFileSync(
      path.join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-stand-in\ndata:\n  values: {{ toJson .Values | quote }}\n',
    );
    if (name === 'aws-load-balancer-controller') {
      mkdirSync(path.join(chart, 'crds'));
      writeFileSync(
        path.join(chart, 'crds', 'crd.yaml'),
        JSON.stringify({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: `standins.${standInCrdGroup}` },
          spec: {
            group: standInCrdGroup,
            names: { kind: 'StandIn', plural: 'standins' },
            scope: 'Namespaced',
            versions: [
              {
                name: 'v1',
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              },
            ],
          },
        }),
      );
    }
    await helm(['package', chart, '--destination', repo]);
  }
  await helm(['repo', 'index', repo, '--url', repositoryUrl]);
}

const deploy = (phase: 'release' | 'verify'): Promise<ScriptRun> => {
  const { binaries } = cluster();
  return runScriptAsync(
    'deploy',
    [
      ...['--environment', 'dev', '--host', 'shop.example.com', '--image-tag', 'abc123', '--state-bucket', 'tfstate'],
      ...['--name', 'shop', '--namespace', namespace, '--phase', phase, '--yes'],
    ],
    {
      real: { kubectl: binaries!.kubectl, helm: binaries!.helm },
      env: {
        STANDIN_KUBECONFIG: kubeconfig,
        STANDIN_OPERATOR_NAMESPACE: operatorNamespace,
        // A release of its own names: the kustomize test's ClusterRole petstore-operator may exist in this cluster.
        STANDIN_OPERATOR_VALUES: JSON.stringify({
          image: { repository: '111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/operator' },
          fullnameOverride: `deploy-sh-${suffix}`,
        }),
        // The operator chart under its own API group, so its CRD cannot disturb the PetStores of other test files.
        PETSTORE_OPERATOR_CHART: operatorChart,
        EKS_CHARTS_REPOSITORY: repositoryUrl,
        AUTOSCALER_CHARTS_REPOSITORY: repositoryUrl,
        VERIFY_ATTEMPTS: '15',
        VERIFY_RETRY_SECONDS: '1',
      },
    },
  );
};

beforeAll(async () => {
  await installCrd();
  await serveChartRepository();
  kubeconfig = eksStyleKubeconfig(cluster().kubeconfig);
  operator = await startOperator({ args: [`--namespaces=${namespace}`], label: 'operator log (deploy.sh)' });
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  repository?.close();
  for (const [release, releaseNamespace] of [
    ['petstore-operator', operatorNamespace],
    ['aws-load-balancer-controller', 'kube-system'],
    ['cluster-autoscaler', 'kube-system'],
  ] as const)
    await helm(['uninstall', release, '--namespace', releaseNamespace, '--wait']).catch(() => undefined);
  await kubectl(['delete', 'namespace', namespace, operatorNamespace, '--ignore-not-found', '--wait=false']);
  await kubectl(['delete', 'crd', `standins.${standInCrdGroup}`, '--ignore-not-found', '--wait=false']);
}, 120_000);

describe('scripts/deploy.sh on a real API server', () => {
  it('--phase release installs the charts with helm and the PetStore with kubectl, in a restricted namespace', async () => {
    const run = await deploy('release');
    expect(run.status === 0 ? '' : run.stderr).toBe('');

    const releases = JSON.parse(await helm(['list', '--all-namespaces', '-o', 'json'])) as {
      name: string;
      namespace: string;
      status: string;
      chart: string;
    }[];
    expect(releases).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'petstore-operator', namespace: operatorNamespace, status: 'deployed' }),
        expect.objectContaining({
          name: 'aws-load-balancer-controller',
          namespace: 'kube-system',
          chart: `aws-load-balancer-controller-${versions.AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION!}`,
        }),
        expect.objectContaining({ name: 'cluster-autoscaler', namespace: 'kube-system', status: 'deployed' }),
      ]),
    );
    // helm upgrade never updates CRDs, so deploy.sh applies the controller's CRDs itself.
    await kubectl(['get', 'crd', `standins.${standInCrdGroup}`]);
    const operatorImage = await kubectl([
      ...['-n', operatorNamespace, 'get', 'deployment', '-l', 'app.kubernetes.io/name=petstore-operator'],
      ...['-o', 'jsonpath={.items[0].spec.template.spec.containers[0].image}'],
    ]);
    expect(operatorImage).toBe('111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/operator:abc123');

    const labels = JSON.parse(await kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels}']));
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
    const spec = JSON.parse(await kubectl(['-n', namespace, 'get', 'petstore/shop', '-o', 'jsonpath={.spec}']));
    expect(spec).toMatchObject({
      replicas: 1,
      config: { environment: 'development' },
      database: { engine: 'sqlite' },
      ingress: { host: 'shop.example.com' },
    });
  }, 300_000);

  it('--phase verify waits for Ready, then fails naming what the platform does not enforce: NetworkPolicies and resource metrics', async () => {
    await waitFor(
      async () =>
        (await kubectl(['-n', namespace, 'get', 'petstore/shop', '-o', 'jsonpath={.status.url}'])) || undefined,
      120_000,
      'the operator to reconcile the PetStore',
    );
    const run = await deploy('verify');

    expect(run.status).not.toBe(0);
    expect(run.stderr).not.toContain('health check of');
    expect(run.stderr).toContain(
      'the cluster does not enforce what the PetStore asks for (the release itself is healthy)',
    );
    // The probe pod was admitted by the namespace's restricted Pod Security Standard and reached its end.
    expect(run.stderr).toContain(
      "NetworkPolicies are not enforced: a pod outside the load balancer's subnets reached the API",
    );
    // The local cluster serves no resource metrics unless a metrics-server was added to it.
    const metricsApi = await kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io']).then(
      () => true,
      () => false,
    );
    if (!metricsApi) {
      expect(run.stderr).toContain("kubectl top has no metrics for the PetStore's pods: is metrics-server running?");
      expect(run.stderr).toMatch(/kubectl said: .*[Mm]etrics API not available/);
    }
    // Internet-facing without a certificate ARN still means HTTPS (the ALB controller finds the ACM certificate).
    expect(run.stderr).toContain('health check: https://shop.example.com/api/v1/health');
    await waitFor(
      async () =>
        (await kubectl([
          '-n',
          namespace,
          'get',
          'jobs',
          '-l',
          'app.kubernetes.io/name=petstore-network-probe',
          '-o',
          'name',
        ])) === ''
          ? true
          : undefined,
      60_000,
      'the probe Job to be deleted',
    );
  }, 300_000);
});
