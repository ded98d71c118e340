// scripts/cleanup.sh against stand-in CLIs: PetStores go first (their databases are snapshotted by the operator), then
// Ingresses, charts, images, terraform destroy, and a check that nothing tagged for the environment is left.
import { describe, expect, it } from '@jest/globals';
import { inOrderFound, label, mutatingCalls, runScript } from './stand-ins.ts';

const dev = ['--environment', 'dev', '--state-bucket', 'tfstate', '--yes'];

const cleanupSteps = [
  ['kubectl', 'delete petstores --all --all-namespaces'],
  ['kubectl', 'wait petstores --all --all-namespaces --for=delete'],
  ['kubectl', 'delete ingress --all-namespaces -l app.kubernetes.io/managed-by=petstore-operator'],
  ['kubectl', 'wait ingress --all-namespaces -l app.kubernetes.io/managed-by=petstore-operator --for=delete'],
  ['helm uninstall petstore-operator'],
  ['helm uninstall cluster-autoscaler'],
  ['helm uninstall aws-load-balancer-controller'],
  ['aws ecr batch-delete-image', 'pet-store-dev/api'],
  ['aws ecr batch-delete-image', 'pet-store-dev/operator'],
  ['terraform', 'destroy', 'environments/dev.tfvars'],
];

describe('scripts/cleanup.sh', () => {
  it('deletes PetStores while the operator runs, then Ingresses, charts, images and the infrastructure, then verifies', () => {
    const run = runScript('cleanup', dev);
    expect(run.stderr).not.toContain('error:');
    expect(run.status).toBe(0);
    const steps = [
      ...cleanupSteps,
      [
        'aws resourcegroupstaggingapi get-resources',
        'Key=Application,Values=pet-store',
        'Key=Environment,Values=development',
      ],
    ];
    expect(inOrderFound(run.calls, steps)).toEqual(steps.map(label));
    expect(run.stderr).toContain('nothing tagged for dev is left in us-west-2');
  });

  it("deletes only the PetStores' Ingresses, and names the others it leaves alone", () => {
    const run = runScript('cleanup', dev, { env: { STANDIN_OTHER_INGRESSES: '2' } });
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => / delete ingress /.test(call))).toEqual([
      expect.stringContaining('-l app.kubernetes.io/managed-by=petstore-operator'),
    ]);
    expect(run.stderr).toContain('left alone, not made by PetStores');
    expect(run.stderr).toContain('other-team/web-1');
  });

  it('deletes each image digest once, however many tags point at it', () => {
    const run = runScript('cleanup', dev);
    expect(run.calls).toContainEqual(
      expect.stringMatching(
        /--repository-name pet-store-dev\/api --image-ids imageDigest=sha256:aaaa imageDigest=sha256:bbbb$/,
      ),
    );
  });

  it('with --dry-run, prints the same steps in the same order and changes nothing', () => {
    const run = runScript('cleanup', [...dev, '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => mutatingCalls.some((pattern) => pattern.test(call)))).toEqual([]);
    expect(inOrderFound(run.planned, cleanupSteps)).toEqual(cleanupSteps.map(label));
  });

  it('stops before destroying anything when PetStores do not finish finalizing (their databases are not safe yet)', () => {
    const run = runScript('cleanup', dev, { env: { STANDIN_FAIL: 'wait petstores' } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('PetStores are still finalizing');
    expect(run.stderr).toContain('do not remove the finalizer by hand');
    expect(run.calls.filter((call) => /helm uninstall|batch-delete-image| destroy /.test(call))).toEqual([]);
  });

  it('finishes an interrupted cleanup: without a cluster it skips the Kubernetes steps and still destroys', () => {
    const run = runScript('cleanup', dev, { env: { STANDIN_CLUSTER_EXISTS: '0' } });
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => /^(kubectl|helm) /.test(call) && !/ version/.test(call))).toEqual([]);
    expect(run.calls).toContainEqual(expect.stringMatching(/^terraform .* destroy /));
  });

  it('fails and lists what is left when tagged resources survive, keeping final snapshots on purpose', () => {
    const tagged = [
      'arn:aws:ec2:us-west-2:111122223333:natgateway/nat-0abc',
      'arn:aws:rds:us-west-2:111122223333:snapshot:petstore-shop-final',
    ].join('\t');
    const run = runScript('cleanup', dev, { env: { STANDIN_TAGGED: tagged } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('are left:\n  arn:aws:ec2:us-west-2:111122223333:natgateway/nat-0abc');
    expect(run.stderr).toContain(
      'kept on purpose (final snapshots, the restore points): arn:aws:rds:us-west-2:111122223333:snapshot:petstore-shop-final',
    );
  });

  it('succeeds when only final snapshots remain', () => {
    const run = runScript('cleanup', dev, {
      env: { STANDIN_TAGGED: 'arn:aws:rds:us-west-2:111122223333:snapshot:petstore-shop-final' },
    });
    expect(run.status).toBe(0);
  });

  describe('refuses', () => {
    it('to remove prod unattended without repeating its name', () => {
      const run = runScript('cleanup', ['--environment', 'prod', '--state-bucket', 'tfstate', '--yes'], {
        env: { STANDIN_AWS_ACCOUNT: '444455556666' },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('add --confirm-environment prod');
      expect(run.calls).toEqual([]);
    });

    it('to run with the wrong account', () => {
      const run = runScript('cleanup', dev, { env: { STANDIN_AWS_ACCOUNT: '444455556666' } });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(
        'the AWS credentials belong to account 444455556666, but environment dev is account 111122223333',
      );
      expect(run.calls.filter((call) => call.startsWith('terraform -chdir'))).toEqual([]);
    });

    it('to run without kubectl', () => {
      const run = runScript('cleanup', dev, { omit: ['kubectl'] });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('kubectl is not on PATH');
    });

    it('without a state bucket, and says how to create one', () => {
      const run = runScript('cleanup', ['--environment', 'dev', '--yes']);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('no Terraform state bucket');
      expect(run.stderr).toContain('aws s3api create-bucket');
    });
  });
});
