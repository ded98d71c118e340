import { describe, expect, it } from '@jest/globals';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { aws } from './fixtures.ts';

describe('the moto AWS endpoint', () => {
  it('creates an RDS instance with a managed master password and returns that secret from Secrets Manager', async () => {
    // No endpoint or region in code: the clients read AWS_ENDPOINT_URL and AWS_REGION, as the operator will.
    const rds = new RDSClient({});
    const secrets = new SecretsManagerClient({});
    const { network } = aws();
    const identifier = `petstore-${Math.random().toString(36).slice(2, 8)}`;

    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: identifier,
        Engine: 'postgres',
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: 20,
        MasterUsername: 'petstore',
        ManageMasterUserPassword: true,
        DBSubnetGroupName: network.dbSubnetGroupName,
        VpcSecurityGroupIds: [network.securityGroupId],
      }),
    );
    const described = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    const instance = described.DBInstances?.[0];

    expect(instance?.DBInstanceStatus).toBe('available');
    expect(instance?.DBSubnetGroup?.DBSubnetGroupName).toBe('petstore-test');
    expect(instance?.DBSubnetGroup?.Subnets?.map((s) => s.SubnetAvailabilityZone?.Name).sort()).toEqual([
      'us-west-2a',
      'us-west-2b',
      'us-west-2c',
    ]);
    const secretArn = instance?.MasterUserSecret?.SecretArn;
    expect(secretArn).toMatch(/^arn:aws:secretsmanager:us-west-2:\d+:secret:rds!db-/);
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const credentials = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
    // Real RDS stores the master username here; moto always writes "admin" (and a fixed password).
    expect(credentials.username).toEqual(expect.any(String));
    expect(credentials.password).toEqual(expect.stringMatching(/.{8,}/));
  });
});
