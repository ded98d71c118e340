// scripts/deploy.sh against stand-in CLIs: the seeds' order of steps, --dry-run changing nothing, idempotent image
// pushes, the rollback, and the refusals (missing or old tools, wrong AWS account, missing TLS in prod).
import { describe, expect, it } from '@jest/globals';
import { inOrderFound, label, mutatingCalls, runScript } from './stand-ins.ts';

const dev = [
  '--environment',
  'dev',
  '--host',
  'shop.example.com',
  '--image-tag',
  'abc123',
  '--state-bucket',
  'tfstate',
  '--yes',
];
const prod = [
  '--environment',
  'prod',
  '--host',
  'shop.example.com',
  '--certificate-arn',
  'arn:aws:acm:us-west-2:444455556666:certificate/1',
  '--image-tag',
  'abc123',
  '--state-bucket',
  'tfstate',
  '--yes',
];

const deploySteps = [
  ['terraform', 'init', 'key=pet-store/dev/terraform.tfstate'],
  ['terraform', 'plan', 'environments/dev.tfvars'],
  ['terraform', 'apply'],
  ['docker build', 'Dockerfile.operator'],
  ['docker push', 'pet-store-dev/operator:abc123'],
  ['docker build', 'Dockerfile.api'],
  ['docker push', 'pet-store-dev/api:abc123'],
  ['aws eks update-kubeconfig', '--name pet-store-dev'],
  ['helm upgrade --install aws-load-balancer-controller', '--version 3.5.0'],
  ['helm upgrade --install cluster-autoscaler', 'image.tag=v1.36.1'],
  [
    'helm upgrade --install petstore-operator',
    'image.tag=abc123',
    'petstoreDefaults.apiImage=111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/api:abc123',
  ],
  ['kubectl', 'apply --server-side', 'namespace.yaml'],
  ['kubectl', 'apply --server-side', 'petstore.yaml'],
  ['kubectl', 'wait', '--for=condition=Ready', 'petstore/pet-store'],
  ['curl', 'https://shop.example.com/api/v1/health'],
  ['kubectl', 'apply', 'network-probe.yaml'],
  ['kubectl', 'top pods', 'app.kubernetes.io/instance=pet-store'],
];

describe('scripts/deploy.sh', () => {
  it('runs terraform, images, kubeconfig, the controllers, the operator and a PetStore in that order, then prints the URL', () => {
    const run = runScript('deploy', dev);
    expect(run.stderr).not.toContain('error:');
    expect(run.status).toBe(0);
    expect(inOrderFound(run.calls, deploySteps)).toEqual(deploySteps.map(label));
    expect(run.stdout.trim()).toBe('https://shop.example.com/api/v1');
  });

  it('prints the load balancer URL at the end, as the deployment guide does', () => {
    const run = runScript('deploy', dev);
    expect(run.stderr).toContain('Pet Store API: https://shop.example.com/api/v1');
    expect(run.stderr).toContain(
      'load balancer: https://k8s-pets-0123456789.us-west-2.elb.amazonaws.com/api/v1 (point shop.example.com at',
    );
  });

  it('puts the PetStore in a namespace that enforces the restricted Pod Security Standard', () => {
    const run = runScript('deploy', [...dev, '--dry-run']);
    expect(run.stdout).toMatch(
      /kind: Namespace\n.*name: pet-store\n.*pod-security.kubernetes.io\/enforce: restricted\n/s,
    );
  });

  it('checks health through the load balancer, so it works before DNS points at it', () => {
    const run = runScript('deploy', dev);
    expect(run.calls).toContainEqual(
      expect.stringContaining('--connect-to shop.example.com:443:k8s-pets-0123456789.us-west-2.elb.amazonaws.com:443'),
    );
  });

  it('with --dry-run, plans and prints every change in the same order but changes nothing', () => {
    const run = runScript('deploy', [...dev, '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => mutatingCalls.some((pattern) => pattern.test(call)))).toEqual([]);
    expect(run.calls).toContainEqual(expect.stringMatching(/^terraform .* plan /));
    // init, plan and the script's private kubeconfig change nothing, so they run for real; the health check reads only.
    const planned = deploySteps.filter(
      (step) => !['init', 'plan', 'aws eks update-kubeconfig', 'curl'].some((word) => step.join(' ').includes(word)),
    );
    expect(inOrderFound(run.planned, planned)).toEqual(planned.map(label));
  });

  it('does not rebuild or push images whose tag is already in ECR (a second run is a no-op there)', () => {
    const run = runScript('deploy', dev, { env: { STANDIN_ECR_HAS_IMAGES: '1' } });
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => /^docker (build|tag|push)/.test(call))).toEqual([]);
    expect(run.calls).toContainEqual(expect.stringContaining('helm upgrade --install petstore-operator'));
  });

  it('deploys prod with an RDS database, autoscaling and HTTPS', () => {
    const run = runScript('deploy', [...prod, '--dry-run'], {
      env: { STANDIN_AWS_ACCOUNT: '444455556666', STANDIN_ENV: 'prod' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/engine: rds\n.*deletionPolicy: Snapshot/s);
    expect(run.stdout).toContain('maxReplicas: 10');
    expect(run.stdout).toContain('certificateArn: arn:aws:acm:us-west-2:444455556666:certificate/1');
    expect(run.stdout).toContain('environment: production');
  });

  it('runs one phase at a time, as the pipeline does', () => {
    const release = runScript('deploy', [...dev, '--phase', 'release']);
    expect(release.status).toBe(0);
    expect(release.calls.filter((call) => /^(terraform .* (plan|apply)|docker |curl)/.test(call))).toEqual([]);
    expect(release.calls).toContainEqual(expect.stringContaining('helm upgrade --install petstore-operator'));
  });

  describe('post-deploy verification of what the cluster must enforce', () => {
    it('reads resource metrics and the HPA CPU reading, and proves the NetworkPolicy blocks a pod outside the ALB subnets', () => {
      const run = runScript('deploy', [...prod], { env: { STANDIN_AWS_ACCOUNT: '444455556666', STANDIN_ENV: 'prod' } });
      expect(run.stderr).not.toContain('error:');
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('NetworkPolicy enforced: the probe pod could not reach the API');
      expect(run.stderr).toContain('HorizontalPodAutoscaler pet-store reads 4% CPU');
      expect(run.calls).toContainEqual(expect.stringMatching(/^kubectl .* delete job pet-store-network-probe /));
    });

    it('fails, naming the VPC CNI setting, when the probe pod reaches the API (policies stored but not enforced)', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_PROBE_OUTCOME: 'Complete:CompletionsReached' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('NetworkPolicies are not enforced: a pod outside the load balancer');
      expect(run.stderr).toContain('enableNetworkPolicy');
      expect(run.stderr).toContain('(the release itself is healthy)');
    });

    it('does not count a probe that never ran (say, an image it could not pull) as proof', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_PROBE_OUTCOME: 'Failed:DeadlineExceeded' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('the NetworkPolicy probe did not finish (Failed:DeadlineExceeded)');
    });

    it('fails, naming metrics-server, when there are no resource metrics, and lists every problem at once', () => {
      const run = runScript('deploy', dev, {
        env: { STANDIN_METRICS: '0', STANDIN_PROBE_OUTCOME: 'Complete:CompletionsReached' },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('NetworkPolicies are not enforced');
      expect(run.stderr).toContain("kubectl top has no metrics for the PetStore's pods: is metrics-server running?");
      expect(run.stderr).toContain('kubectl said: error: Metrics API not available');
    });

    it('fails when the HPA has no CPU reading', () => {
      const run = runScript('deploy', [...prod], {
        env: { STANDIN_AWS_ACCOUNT: '444455556666', STANDIN_ENV: 'prod', STANDIN_FAIL: 'get horizontalpodautoscaler' },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('HorizontalPodAutoscaler pet-store has no CPU reading, so it cannot scale');
    });
  });

  describe('container tools', () => {
    it('accepts Podman 4.9 answering to docker, as the deployment guide was tested with', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_PODMAN: '1', STANDIN_DOCKER_VERSION: '4.9.3' } });
      expect(run.stderr).not.toContain('error:');
      expect(run.status).toBe(0);
      expect(run.calls).toContainEqual(expect.stringContaining('docker push'));
    });

    it('refuses a Podman older than 4.9, saying it is Podman', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_PODMAN: '1', STANDIN_DOCKER_VERSION: '4.3.1' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('docker (Podman) 4.3.1 is too old, 4.9.0 or newer is needed');
    });
  });

  it('with --monitoring, installs kube-prometheus-stack (its CRDs first) before the operator, with its monitors on', () => {
    const run = runScript('deploy', [...dev, '--monitoring']);
    expect(run.status).toBe(0);
    const steps = [
      ['helm upgrade --install cluster-autoscaler'],
      ['helm show crds prometheus-community/kube-prometheus-stack', '--version 79.7.1'],
      [
        'helm upgrade --install kube-prometheus-stack',
        '--namespace monitoring',
        '--version 79.7.1',
        'serviceMonitorSelectorNilUsesHelmValues=false',
        'ruleSelectorNilUsesHelmValues=false',
        'grafana.sidecar.dashboards.searchNamespace=ALL',
      ],
      [
        'helm upgrade --install petstore-operator',
        'metrics.serviceMonitor.enabled=true',
        'metrics.prometheusRule.enabled=true',
      ],
    ];
    expect(inOrderFound(run.calls, steps)).toEqual(steps.map(label));
  });

  it('without --monitoring, installs no Prometheus stack and leaves the operator release’s monitoring values as they are', () => {
    const run = runScript('deploy', dev);
    expect(run.calls.filter((call) => call.includes('kube-prometheus-stack'))).toEqual([]);
    expect(run.calls.filter((call) => call.includes('metrics.'))).toEqual([]);
  });

  describe('refuses to start', () => {
    it('when a tool is missing, naming it and how to install it, before touching anything', () => {
      const run = runScript('deploy', dev, { omit: ['helm'] });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('helm is not on PATH: install Helm >= 3.17.0');
      expect(run.calls.filter((call) => !/ (version|--version)/.test(call))).toEqual([]);
    });

    it('when a tool is too old', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_TERRAFORM_VERSION: '1.9.8' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('terraform 1.9.8 is too old, 1.10.0 or newer is needed');
    });

    it('when the AWS credentials belong to another account than the environment', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_AWS_ACCOUNT: '999999999999' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(
        'the AWS credentials belong to account 999999999999, but environment dev is account 111122223333',
      );
      expect(run.calls.filter((call) => call.startsWith('terraform -chdir'))).toEqual([]);
    });

    it('when prod would be served without TLS', () => {
      const run = runScript(
        'deploy',
        prod.filter((arg) => !arg.startsWith('--certificate-arn') && !arg.startsWith('arn:aws:acm')),
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('--certificate-arn is required for prod');
      expect(run.calls).toEqual([]);
    });

    it('when the environment has no tfvars', () => {
      const run = runScript('deploy', ['--environment', 'qa', '--host', 'shop.example.com']);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('unknown environment "qa"');
      expect(run.stderr).toContain('known environments: dev prod staging');
    });

    it('when the working tree is dirty and no image tag is given (tags are immutable)', () => {
      const args = dev.filter((arg) => arg !== '--image-tag' && arg !== 'abc123');
      const run = runScript('deploy', args, { env: { STANDIN_GIT_DIRTY: ' M api/src/main.ts' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('uncommitted changes');
    });
  });

  describe('health check failure and rollback', () => {
    it('fails the deploy when the health endpoint does not answer, and says how to roll back', () => {
      const run = runScript('deploy', dev, { env: { STANDIN_FAIL: 'curl' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('the health check of https://shop.example.com/api/v1/health failed');
      expect(run.stderr).toContain('--rollback');
    });

    it('rolls petstore-operator back one revision when it runs the failed tag, verifies again, and leaves terraform and images alone', () => {
      const run = runScript('deploy', [...dev, '--rollback'], { env: { STANDIN_RELEASE_TAG: 'abc123' } });
      expect(run.status).toBe(0);
      const steps = [['helm rollback petstore-operator 0'], ['kubectl', 'wait', 'petstore/pet-store'], ['curl']];
      expect(inOrderFound(run.calls, steps)).toEqual(steps.map(label));
      expect(run.calls.filter((call) => /^(terraform .* (plan|apply)|docker )/.test(call))).toEqual([]);
    });

    it('leaves a release alone that does not run the failed image tag (the deploy stopped before upgrading it)', () => {
      const run = runScript('deploy', [...dev, '--rollback']);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain('does not run abc123');
      expect(run.calls.filter((call) => call.startsWith('helm rollback'))).toEqual([]);
    });

    it('rolls back to the Helm revision asked for', () => {
      const manual = dev.filter((arg) => arg !== '--image-tag' && arg !== 'abc123');
      const run = runScript('deploy', [...manual, '--rollback', '--revision', '3']);
      expect(run.status).toBe(0);
      expect(run.calls).toContainEqual(expect.stringMatching(/^helm rollback petstore-operator 3 /));
    });

    it('refuses a revision that is not a number, or one without --rollback', () => {
      const words = runScript('deploy', [...dev, '--rollback', '--revision', 'previous']);
      expect(words.status).not.toBe(0);
      expect(words.stderr).toContain('--revision must be a Helm revision number');
      const alone = runScript('deploy', [...dev, '--revision', '3']);
      expect(alone.status).not.toBe(0);
      expect(alone.stderr).toContain('--revision only goes with --rollback');
    });

    it('refuses to roll back a release that has no previous revision', () => {
      const run = runScript('deploy', [...dev, '--rollback'], {
        env: { STANDIN_HELM_REVISIONS: '1', STANDIN_RELEASE_TAG: 'abc123' },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('no previous revision');
    });
  });
});
