// The disaster-recovery drill (npm run dr-drill, issue 15 item 4) on the test cluster and its moto: it must end with
// every PetStore Ready on an instance restored from its newest snapshot, inside the RTO.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { aws, awsEnv, cluster } from '../cluster/fixtures.ts';
import { installCrd } from './operator.ts';
import { repoRoot } from './operator-process.ts';

describe('npm run dr-drill', () => {
  it('restores every PetStore from its newest snapshot after the namespace and the instances are lost, within the RTO', async () => {
    await installCrd();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'scripts/dr-drill.ts'), '--kubeconfig', cluster().kubeconfig],
      {
        env: {
          ...process.env,
          ...awsEnv(),
          RDS_DB_SUBNET_GROUP: aws().network.dbSubnetGroupName,
          RDS_SECURITY_GROUP_IDS: aws().network.securityGroupId,
          CLUSTER_NAME: `drill-${Math.random().toString(36).slice(2, 8)}`,
        },
        timeout: 600_000,
      },
    );
    expect(stdout).toMatch(/recovery +[\d.]+ s +every PetStore Ready on an instance restored from its snapshot/);
    expect(stdout).toMatch(/recovery took [\d.]+ s of the 3600 s RTO here/);
    expect(stdout).toMatch(/data restored was at most [\d.]+ s old at the disaster/);
  }, 660_000);

  it('refuses to run against an AWS endpoint that is not a local emulator (it deletes RDS instances)', async () => {
    const run = promisify(execFile)(
      process.execPath,
      [path.join(repoRoot, 'scripts/dr-drill.ts'), '--kubeconfig', cluster().kubeconfig],
      { env: { ...process.env, AWS_ENDPOINT_URL: 'https://rds.us-west-2.amazonaws.com' } },
    );
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('AWS_ENDPOINT_URL must name a local AWS emulator'),
    });
  });
});
