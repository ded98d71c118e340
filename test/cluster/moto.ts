import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { ClusterError } from './errors.ts';
import { freePorts } from './ports.ts';
import { isAlive, spawnDetached } from './processes.ts';
import { waitFor } from './wait.ts';

/** An AWS API emulator (moto server) for RDS, Secrets Manager and EC2, with the network an RDS instance needs. */
export interface Moto {
  pid: number;
  /** What AWS_ENDPOINT_URL points at; every service is served on this one endpoint. */
  endpoint: string;
  region: string;
  logFile: string;
  network: AwsTestNetwork;
}

/** The VPC pieces created in moto so `CreateDBInstance` with a subnet group and security group works. */
export interface AwsTestNetwork {
  vpcId: string;
  subnetIds: string[];
  /** A DB subnet group spanning the subnets (one per availability zone). */
  dbSubnetGroupName: string;
  /** Allows PostgreSQL (5432) from inside the VPC. */
  securityGroupId: string;
}

export const awsRegion = 'us-west-2';
export const dbSubnetGroupName = 'petstore-test';
/** Dummy credentials: moto accepts any, and the SDK refuses to sign without some. */
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The standard AWS SDK settings that point a client (the operator, a test) at moto. */
export function awsEnvironment(moto: Pick<Moto, 'endpoint' | 'region'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
}

/** Starts moto_server on a free loopback port with its log in `runDir`, and creates the test network in it. */
export async function startMoto(runDir: string, motoServer: string): Promise<Moto> {
  const [port] = await freePorts(1);
  const endpoint = `http://127.0.0.1:${String(port)}`;
  const logFile = join(runDir, 'moto.log');
  const pid = await spawnDetached(motoServer, ['-H', '127.0.0.1', '-p', String(port)], logFile);
  try {
    await waitFor(
      async () => {
        if (!isAlive(pid)) throw new ClusterError(`moto_server exited at start; see ${logFile}`);
        return (await fetch(`${endpoint}/moto-api/`)).ok;
      },
      60_000,
      `moto_server to answer on ${endpoint}`,
    );
  } catch (error) {
    process.kill(pid, 'SIGKILL');
    throw error;
  }
  return { pid, endpoint, region: awsRegion, logFile, network: await createNetwork(endpoint, awsRegion) };
}

/** Whether moto still answers (its state lives in memory, so a restarted moto needs a new network). */
export async function motoHealthy(moto: Moto): Promise<boolean> {
  if (!isAlive(moto.pid)) return false;
  try {
    return (await fetch(`${moto.endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
}

async function createNetwork(endpoint: string, region: string): Promise<AwsTestNetwork> {
  const ec2 = new EC2Client({ endpoint, region, credentials });
  const rds = new RDSClient({ endpoint, region, credentials });
  const cidr = '10.42.0.0/16';
  const tags = (name: string) => [{ Key: 'Name', Value: name }];
  const vpc = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      TagSpecifications: [{ ResourceType: 'vpc', Tags: tags('petstore-test') }],
    }),
  );
  const vpcId = required(vpc.Vpc?.VpcId, 'VPC id');
  const subnetIds: string[] = [];
  for (const [index, zone] of ['a', 'b', 'c'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.42.${String(index + 1)}.0/24`,
        AvailabilityZone: `${region}${zone}`,
        TagSpecifications: [{ ResourceType: 'subnet', Tags: tags(`petstore-test-${zone}`) }],
      }),
    );
    subnetIds.push(required(subnet.Subnet?.SubnetId, 'subnet id'));
  }
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'petstore-test-db',
      Description: 'PostgreSQL from inside the VPC',
      VpcId: vpcId,
    }),
  );
  const securityGroupId = required(group.GroupId, 'security group id');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: securityGroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: cidr }] }],
    }),
  );
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: dbSubnetGroupName,
      DBSubnetGroupDescription: 'petstore test subnets, one per availability zone',
      SubnetIds: subnetIds,
    }),
  );
  ec2.destroy();
  rds.destroy();
  return { vpcId, subnetIds, dbSubnetGroupName, securityGroupId };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new ClusterError(`moto returned no ${what}`);
  return value;
}
