// The chart as Helm renders it: what a default install creates, how values reach the operator, what is refused.
import type { V1Deployment, V1EnvVar, V1Job, V1NetworkPolicy, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { operatorEnvironment } from '../../operator/src/operator-config.ts';
import { OPTIONS } from '../../operator/src/runtime/config.ts';
import { chartDir, helm, isTestHook, kubeVersionArgs, only, renderChart, valuesFile, type Manifest } from './chart.ts';

/** Every optional feature on, every setting given: the widest render. */
const everything = {
  watchNamespaces: ['shop', 'staging'],
  leaderElection: { leaseDuration: '20s', renewDeadline: '15s', retryPeriod: '3s' },
  maxConcurrentReconciles: 4,
  logLevel: 'debug',
  image: { repository: '123456789012.dkr.ecr.us-west-2.amazonaws.com/petstore-operator', tag: '1.2.3' },
  petstoreDefaults: {
    apiImage: '123456789012.dkr.ecr.us-west-2.amazonaws.com/petstore-api:1.4.0',
    ingressClassName: 'alb',
    allowedCIDRs: ['10.0.101.0/24', '10.0.102.0/24'],
    databaseCIDRs: ['10.0.1.0/24'],
    metricsNamespaces: ['monitoring', 'prometheus'],
    owner: 'pets-team',
    costCenter: 'cc-1234',
    runbookUrl: 'https://wiki.example.com/petstore/runbook.md',
  },
  aws: { region: 'us-west-2', endpoint: 'http://127.0.0.1:5000' },
  rds: {
    dbSubnetGroupName: 'pet-store-dev-databases',
    securityGroupIds: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'],
    engineVersion: '17',
    parameterGroups: { '16': 'pet-store-dev-postgres16', '17': 'pet-store-dev-postgres17' },
    rotationCheckInterval: '2m',
    statusPollInterval: '15s',
    allowedInstanceClasses: ['db.t4g.micro', 'db.t4g.small'],
    maxAllocatedStorage: 200,
  },
  clusterName: 'pet-store-dev',
  serviceAccount: {
    name: 'petstore-operator',
    annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/op' },
  },
  metrics: {
    serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
    prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  },
  networkPolicy: { enabled: true, apiServerCIDRs: ['10.0.0.10/32'] },
  extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
};

const podSpecOf = (manifests: Manifest[]): V1PodSpec =>
  (only(manifests, 'Deployment') as V1Deployment).spec!.template.spec!;
const envOf = (manifests: Manifest[]): Record<string, string | undefined> =>
  Object.fromEntries((podSpecOf(manifests).containers[0]!.env ?? []).map((v: V1EnvVar) => [v.name, v.value]));

describe('helm lint', () => {
  it.each([
    ['the default values', {}],
    ['every optional feature on', everything],
  ])('passes --strict with %s', (_name, values) => {
    expect(helm(['lint', '--strict', chartDir, ...kubeVersionArgs(), '--values', valuesFile(values)])).toContain(
      '0 chart(s) failed',
    );
  });
});

describe('a default install', () => {
  const manifests = renderChart();

  it('creates the operator, its RBAC, the CRD, the metrics Service and the PodDisruptionBudget', () => {
    const kinds = manifests.filter((m) => !isTestHook(m)).map((m) => `${m.kind}/${m.metadata.name}`);
    expect(kinds.sort()).toEqual(
      [
        'ClusterRole/petstore-operator',
        'ClusterRole/petstore-operator-petstore-editor',
        'ClusterRole/petstore-operator-petstore-viewer',
        'ClusterRoleBinding/petstore-operator',
        'CustomResourceDefinition/petstorebackups.petstore.example.com',
        'CustomResourceDefinition/petstores.petstore.example.com',
        'Deployment/petstore-operator',
        'PodDisruptionBudget/petstore-operator',
        'Role/petstore-operator-leader-election',
        'RoleBinding/petstore-operator-leader-election',
        'Service/petstore-operator-metrics',
        'ServiceAccount/petstore-operator',
      ].sort(),
    );
  });

  it('keeps the CRDs on helm uninstall, so PetStores and PetStoreBackups survive it', () => {
    const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
    expect(crds.map((crd) => crd.metadata.name).sort()).toEqual([
      'petstorebackups.petstore.example.com',
      'petstores.petstore.example.com',
    ]);
    for (const crd of crds) expect(crd.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('runs two replicas that elect a leader through a Lease named after the release', () => {
    const deployment = only(manifests, 'Deployment') as V1Deployment;
    expect(deployment.spec?.replicas).toBe(2);
    expect(envOf(manifests)).toMatchObject({ LEADER_ELECT: 'true', LEADER_ELECTION_ID: 'petstore-operator' });
    expect(podSpecOf(manifests).containers[0]!.env).toContainEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    });
  });

  it('probes /healthz and /readyz on 8081 and exposes /metrics on 8080', () => {
    const container = podSpecOf(manifests).containers[0]!;
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(envOf(manifests)).toMatchObject({ METRICS_BIND_ADDRESS: ':8080', HEALTH_PROBE_BIND_ADDRESS: ':8081' });
    const service = only(manifests, 'Service') as Manifest & { spec: { ports: unknown[] } };
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }]);
  });

  it('meets the restricted Pod Security Standard with a read-only root filesystem and a writable /tmp', () => {
    const pod = podSpecOf(manifests);
    const container = pod.containers[0]!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  it('sets requests and limits for CPU and memory', () => {
    expect(podSpecOf(manifests).containers[0]!.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '128Mi' },
    });
  });

  it("sizes V8's old space at half the memory limit, unless extraEnv sets NODE_OPTIONS", () => {
    expect(envOf(manifests)).toMatchObject({
      NODE_OPTIONS: '--max-old-space-size=64 --v8-pool-size=1',
      MALLOC_ARENA_MAX: '2',
      UV_THREADPOOL_SIZE: '2',
    });
    const at = (memory: string) => envOf(renderChart({ values: { resources: { limits: { memory } } } })).NODE_OPTIONS;
    expect(at('1Gi')).toBe('--max-old-space-size=512 --v8-pool-size=1');
    expect(at('512M')).toBe('--max-old-space-size=244 --v8-pool-size=1');
    expect(at(String(256 * 2 ** 20))).toBe('--max-old-space-size=128 --v8-pool-size=1');
    const own = podSpecOf(
      renderChart({ values: { extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=90' }] } }),
    );
    expect(own.containers[0]!.env?.filter((v) => v.name === 'NODE_OPTIONS')).toEqual([
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=90' },
    ]);
  });

  it('runs the image tagged with the chart appVersion', () => {
    const chart = parse(helm(['show', 'chart', chartDir])) as { appVersion: string };
    expect(podSpecOf(manifests).containers[0]!.image).toBe(`petstore-operator:${chart.appVersion}`);
  });

  it('leaves every optional setting unset, so the operator uses its own defaults', () => {
    const names = Object.keys(envOf(manifests));
    for (const name of [...Object.keys(operatorEnvironment), 'AWS_REGION', 'AWS_ENDPOINT_URL', 'WATCH_NAMESPACES']) {
      expect(names).not.toContain(name);
    }
  });
});

describe('values reach the operator', () => {
  const manifests = renderChart({ values: everything });
  const env = envOf(manifests);

  it('as the environment variables the operator reads, and no others', () => {
    const known = new Set([
      ...OPTIONS.map((option) => option.env),
      ...Object.keys(operatorEnvironment),
      'AWS_REGION',
      'AWS_ENDPOINT_URL',
      // Node.js's and glibc's, set by the chart for the memory limit.
      'NODE_OPTIONS',
      'MALLOC_ARENA_MAX',
      'UV_THREADPOOL_SIZE',
    ]);
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
  });

  it('covering every operator setting the chart documents', () => {
    expect(env).toEqual({
      POD_NAMESPACE: undefined,
      WATCH_NAMESPACES: 'shop,staging',
      MAX_CONCURRENT_RECONCILES: '4',
      LEADER_ELECT: 'true',
      LEADER_ELECTION_ID: 'petstore-operator',
      LEADER_ELECT_LEASE_DURATION: '20s',
      LEADER_ELECT_RENEW_DEADLINE: '15s',
      LEADER_ELECT_RETRY_PERIOD: '3s',
      METRICS_BIND_ADDRESS: ':8080',
      HEALTH_PROBE_BIND_ADDRESS: ':8081',
      LOG_LEVEL: 'debug',
      PETSTORE_API_IMAGE: '123456789012.dkr.ecr.us-west-2.amazonaws.com/petstore-api:1.4.0',
      PETSTORE_INGRESS_CLASS: 'alb',
      PETSTORE_ALLOWED_CIDRS: '10.0.101.0/24,10.0.102.0/24',
      PETSTORE_DATABASE_CIDRS: '10.0.1.0/24',
      PETSTORE_METRICS_NAMESPACES: 'monitoring,prometheus',
      PETSTORE_DEFAULT_OWNER: 'pets-team',
      PETSTORE_DEFAULT_COST_CENTER: 'cc-1234',
      PETSTORE_RUNBOOK_URL: 'https://wiki.example.com/petstore/runbook.md',
      RDS_DB_SUBNET_GROUP: 'pet-store-dev-databases',
      RDS_SECURITY_GROUP_IDS: 'sg-0123456789abcdef0,sg-0fedcba9876543210',
      RDS_ENGINE_VERSION: '17',
      RDS_DB_PARAMETER_GROUPS: '16=pet-store-dev-postgres16,17=pet-store-dev-postgres17',
      RDS_ROTATION_CHECK_INTERVAL: '2m',
      RDS_STATUS_POLL_INTERVAL: '15s',
      RDS_ALLOWED_INSTANCE_CLASSES: 'db.t4g.micro,db.t4g.small',
      RDS_MAX_ALLOCATED_STORAGE: '200',
      CLUSTER_NAME: 'pet-store-dev',
      AWS_REGION: 'us-west-2',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      NODE_OPTIONS: '--max-old-space-size=384',
      MALLOC_ARENA_MAX: '2',
      UV_THREADPOOL_SIZE: '2',
    });
    // Every variable of operator-config.ts has a value in the chart.
    for (const name of Object.keys(operatorEnvironment)) expect(env[name]).toBeDefined();
  });

  it('with the image, ServiceAccount and IRSA annotation given', () => {
    expect(podSpecOf(manifests).containers[0]!.image).toBe(
      '123456789012.dkr.ecr.us-west-2.amazonaws.com/petstore-operator:1.2.3',
    );
    expect(podSpecOf(manifests).serviceAccountName).toBe('petstore-operator');
    expect(only(manifests, 'ServiceAccount', 'petstore-operator').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/op',
    });
  });

  it('pins the image by digest when image.digest is set', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = renderChart({ values: { image: { tag: '1.2.3', digest } } });
    expect(podSpecOf(pinned).containers[0]!.image).toBe(`petstore-operator@${digest}`);
  });
});

describe('optional parts', () => {
  it('crds.enabled=false leaves the CRDs out, and crds.keep=false lets helm uninstall delete them', () => {
    expect(renderChart({ values: { crds: { enabled: false } } }).map((m) => m.kind)).not.toContain(
      'CustomResourceDefinition',
    );
    const unkept = renderChart({ values: { crds: { keep: false } } }).filter(
      (m) => m.kind === 'CustomResourceDefinition',
    );
    expect(unkept).toHaveLength(2);
    for (const crd of unkept) expect(crd.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
  });

  it('a ServiceMonitor scrapes the metrics Service when metrics.serviceMonitor.enabled', () => {
    const monitor = only(renderChart({ values: everything }), 'ServiceMonitor') as Manifest & { spec: unknown };
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(monitor.spec).toMatchObject({ endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }] });
    expect(renderChart().map((m) => m.kind)).not.toContain('ServiceMonitor');
  });

  it('the NetworkPolicy admits probes and scrapes, and lets out only DNS, the API server, AWS and Pod Identity', () => {
    const policy = only(renderChart({ values: everything }), 'NetworkPolicy') as V1NetworkPolicy;
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress).toEqual([
      { ports: [{ port: 'health', protocol: 'TCP' }] },
      { ports: [{ port: 'metrics', protocol: 'TCP' }] },
    ]);
    expect(policy.spec?.egress).toEqual([
      {
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      {
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 6443, protocol: 'TCP' },
        ],
        to: [{ ipBlock: { cidr: '10.0.0.10/32' } }],
      },
      { ports: [{ port: 443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
      {
        ports: [{ port: 80, protocol: 'TCP' }],
        to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }],
      },
    ]);
    expect(renderChart().map((m) => m.kind)).not.toContain('NetworkPolicy');
  });

  it('podDisruptionBudget.enabled=false leaves the PodDisruptionBudget out', () => {
    expect(renderChart({ values: { podDisruptionBudget: { enabled: false } } }).map((m) => m.kind)).not.toContain(
      'PodDisruptionBudget',
    );
  });
});

describe('settings that cannot work are refused at install, naming the value', () => {
  it.each([
    [
      { rds: { dbSubnetGroupName: 'db' }, aws: { region: 'us-west-2' } },
      'clusterName is required when rds.dbSubnetGroupName is set',
    ],
    [
      { rds: { dbSubnetGroupName: 'db' }, clusterName: 'c' },
      'aws.region is required when rds.dbSubnetGroupName is set',
    ],
    [{ leaderElection: { enabled: false } }, 'leaderElection.enabled must be true when replicaCount is more than 1'],
    [
      { metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } } },
      'metrics.serviceMonitor.enabled needs metrics.service.enabled',
    ],
    [{ serviceAccount: { create: false } }, 'serviceAccount.name must name an existing ServiceAccount'],
  ])('%j', (values, message) => {
    expect(() => renderChart({ values })).toThrow(message);
  });

  it('one replica may run without leader election', () => {
    const manifests = renderChart({ values: { replicaCount: 1, leaderElection: { enabled: false } } });
    expect(envOf(manifests).LEADER_ELECT).toBe('false');
    expect(manifests.filter((m) => m.kind === 'Role' && !isTestHook(m))).toEqual([]);
  });
});

describe('helm test', () => {
  const hooks = renderChart().filter(isTestHook);
  const job = only(hooks, 'Job') as V1Job;
  const pod = job.spec!.template.spec!;
  const manifest = parse(
    (only(hooks, 'ConfigMap') as Manifest & { data: Record<string, string> }).data['petstore.yaml']!,
  ) as Manifest;

  it('applies a PetStore, waits for Ready, then deletes it, each step after the previous one succeeded', () => {
    const steps = [...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c.args?.slice(0, 2)]);
    expect(steps).toEqual([
      ['apply', ['apply', '--server-side']],
      ['wait-ready', ['wait', '--for=condition=Ready']],
      ['delete', ['delete', '--wait']],
    ]);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(container.args).toContain('/etc/petstore-test/petstore.yaml');
    }
    expect(job.spec?.backoffLimit).toBe(0);
    expect(pod.restartPolicy).toBe('Never');
  });

  it('uses a PetStore on SQLite in the release namespace, which needs nothing from AWS', () => {
    expect(manifest).toMatchObject({
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name: 'petstore-operator-test', namespace: 'petstore-system' },
      spec: { database: { engine: 'sqlite' } },
    });
  });

  it("makes no namespace quota, which would count the operator's own pods in the release namespace", () => {
    expect(manifest).toMatchObject({ spec: { quota: { enabled: false } } });
  });

  it('runs in the first watched namespace when the operator watches only some', () => {
    const scoped = renderChart({ values: { watchNamespaces: ['shop', 'staging'] } }).filter(isTestHook);
    expect(new Set(scoped.map((m) => m.metadata.namespace))).toEqual(new Set(['shop']));
  });

  it('removes every test object after a pass and keeps nothing when tests.enabled=false', () => {
    for (const hook of hooks) {
      expect(hook.metadata.annotations?.['helm.sh/hook-delete-policy']).toBe('before-hook-creation,hook-succeeded');
    }
    expect(renderChart({ values: { tests: { enabled: false } } }).filter(isTestHook)).toEqual([]);
  });

  it('runs kubectl as a restricted pod', () => {
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(container.image).toBe('registry.k8s.io/kubectl:v1.36.3');
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
    }
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });
});
