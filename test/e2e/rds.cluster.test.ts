// An rds PetStore end to end: the operator process creates the instance in moto, keeps the Secret in step with the
// RDS-managed password (pods roll), and on delete takes the final snapshot its policy asks for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { aws, awsEnv, kubectl, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';

const namespace = useNamespace();
let operator: OperatorProcess;
const clusterName = `e2e-${Math.random().toString(36).slice(2, 8)}`;
const clients = () => {
  const env = awsEnv();
  const config = {
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
  };
  return { rds: new RDSClient(config), secrets: new SecretsManagerClient(config) };
};
const getJson = async (...args: string[]): Promise<any> =>
  JSON.parse(await kubectl(['-n', namespace.name, 'get', '-o', 'json', ...args]));
const secretValue = (secret: any, key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({
    args: [`--namespaces=${namespace.name}`],
    env: {
      ...awsEnv(),
      RDS_DB_SUBNET_GROUP: aws().network.dbSubnetGroupName,
      RDS_SECURITY_GROUP_IDS: aws().network.securityGroupId,
      CLUSTER_NAME: clusterName,
      RDS_ROTATION_CHECK_INTERVAL: '3s',
      RDS_STATUS_POLL_INTERVAL: '2s',
    },
  });
}, 120_000);
afterAll(async () => {
  await operator.stop();
});

describe('an rds PetStore', () => {
  it('gets an RDS instance and a Secret whose DATABASE_URL points at its endpoint, then becomes Ready', async () => {
    await kubectl(['-n', namespace.name, 'apply', '--server-side', '-f', '-'], {
      input: `apiVersion: petstore.example.com/v1alpha1
kind: PetStore
metadata: { name: shop }
spec:
  database: { engine: rds, rds: { instanceClass: db.t4g.small, deletionPolicy: Snapshot } }
  tags: { owner: pets-team, costCenter: cc-1234 }
`,
    });
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=120s']);
    const status = (await getJson('petstore/shop')).status;
    expect(status.conditions.find((c: any) => c.type === 'DatabaseReady')).toMatchObject({
      status: 'True',
      reason: 'Available',
    });
    const { DBInstances } = await clients().rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: status.database.instanceIdentifier }),
    );
    expect(DBInstances).toHaveLength(1);
    const instance = DBInstances![0]!;
    expect(instance).toMatchObject({
      DBInstanceClass: 'db.t4g.small',
      StorageEncrypted: true,
      AllocatedStorage: 20,
      BackupRetentionPeriod: 7,
    });
    const tags = Object.fromEntries((instance.TagList ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      Application: 'pet-store',
      Owner: 'pets-team',
      'Cost-Center': 'cc-1234',
      'managed-by': 'petstore-operator',
    });

    const secret = await getJson('secret/shop-db-credentials');
    const url = new URL(secretValue(secret, 'DATABASE_URL'));
    expect(url.hostname).toBe(instance.Endpoint?.Address);
    expect(status.database.endpoint).toBe(`${instance.Endpoint?.Address}:${instance.Endpoint?.Port}`);
    expect(secretValue(secret, 'DB_PASSWORD')).not.toBe('');
    expect(JSON.stringify(status)).not.toContain(secretValue(secret, 'DB_PASSWORD'));
  }, 150_000);

  it('follows a rotated master password into the Secret and rolls the pods', async () => {
    const status = (await getJson('petstore/shop')).status;
    const { DBInstances } = await clients().rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: status.database.instanceIdentifier }),
    );
    const secretArn = DBInstances![0]!.MasterUserSecret!.SecretArn!;
    const checksum = async () =>
      (await getJson('deployment/shop')).spec.template.metadata.annotations['petstore.example.com/config-checksum'];
    const before = await checksum();
    // What RDS does when it rotates: a new password in the managed secret (moto's rotation leaves the value as is).
    await clients().secrets.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: JSON.stringify({ username: 'petstore', password: 'rotated-Pa55word' }),
      }),
    );
    await waitFor(
      async () => secretValue(await getJson('secret/shop-db-credentials'), 'DB_PASSWORD') === 'rotated-Pa55word',
      60_000,
      'the rotated password in the Secret',
      1000,
    );
    await waitFor(async () => (await checksum()) !== before, 30_000, 'a new pod template checksum');
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=60s']);
    expect(await kubectl(['-n', namespace.name, 'get', 'events'])).not.toContain('rotated-Pa55word');
  }, 120_000);

  it('takes the final snapshot on delete and removes the instance, whatever annotation a tenant sets', async () => {
    const petStore = await getJson('petstore/shop');
    const identifier = petStore.status.database.instanceIdentifier as string;
    // The attacker of issue 13: this annotation used to make the operator drop its finalizer without the snapshot.
    await kubectl(['-n', namespace.name, 'annotate', 'petstore/shop', 'petstore.example.com/release-finalizer=true']);
    await kubectl(['-n', namespace.name, 'delete', 'petstore/shop', '--timeout=120s']);
    const { DBSnapshots } = await clients().rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: identifier, SnapshotType: 'manual' }),
    );
    expect(DBSnapshots?.map((s) => s.DBSnapshotIdentifier)).toEqual([expect.stringMatching(/-final$/)]);
    await expect(
      clients().rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })),
    ).rejects.toThrow(/not found/i);
  }, 150_000);
});
