import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { motoServerBinary } from '../../../test/cluster/binaries.ts';
import { startMoto, type Moto } from '../../../test/cluster/moto.ts';
import { stopProcess } from '../../../test/cluster/processes.ts';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { createRdsDatabase, type RdsDatabaseOptions } from '../../src/database/rds/index.ts';
import { awsActions } from '../../src/database/rds/aws-session.ts';
import { ownership } from '../../src/database/rds/tags.ts';
import { clusterName } from './fixtures.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

/** Dummy credentials: moto accepts any, and the SDK refuses to sign without some. */
export const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** moto server with the test network, behind a fault-injecting proxy, and clients of both. */
export interface MotoRds {
  moto: Moto;
  proxy: FaultProxy;
  /** Clients that reach moto through the proxy (what the engine under test uses). */
  rds: RDSClient;
  secretsManager: SecretsManagerClient;
  /** Clients that reach moto directly (what the tests use to look at and arrange AWS). */
  direct: { rds: RDSClient; secretsManager: SecretsManagerClient };
  /** An rds engine wired to this moto through the proxy; a new one remembers nothing, like a restarted operator. */
  engine(options?: Partial<RdsDatabaseOptions>): ReturnType<typeof createRdsDatabase>;
  /** Every instance whose tags name this PetStore: a duplicate would show here, whatever its identifier. */
  instancesOf(petStore: PetStore): Promise<DBInstance[]>;
  stop(): Promise<void>;
}

/**
 * Starts moto_server (installed by scripts/provision-tools.sh) on a free port with a DB subnet group and a security
 * group, plus the proxy. Fails with how to install moto when it is missing.
 */
export async function startMotoRds(): Promise<MotoRds> {
  const runDir = mkdtempSync(join(tmpdir(), 'petstore-rds-moto-'));
  const moto = await startMoto(runDir, await motoServerBinary());
  const proxy = await startFaultProxy(moto.endpoint);
  const viaProxy = { endpoint: proxy.endpoint, region: moto.region, credentials };
  const direct = { endpoint: moto.endpoint, region: moto.region, credentials };
  const rds = new RDSClient(viaProxy);
  const secretsManager = new SecretsManagerClient(viaProxy);
  const directClients = { rds: new RDSClient(direct), secretsManager: new SecretsManagerClient(direct) };
  return {
    moto,
    proxy,
    rds,
    secretsManager,
    direct: directClients,
    engine: (options = {}) =>
      createRdsDatabase({
        clusterName,
        dbSubnetGroupName: moto.network.dbSubnetGroupName,
        vpcSecurityGroupIds: [moto.network.securityGroupId],
        rds,
        secretsManager,
        ...options,
      }),
    async instancesOf(petStore) {
      const all = await directClients.rds.send(new DescribeDBInstancesCommand({}));
      return (all.DBInstances ?? []).filter((i) => ownership(i.TagList, petStore, clusterName).kind === 'ours');
    },
    async stop() {
      for (const client of [rds, secretsManager, directClients.rds, directClients.secretsManager]) client.destroy();
      await proxy.close();
      await stopProcess(moto.pid);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

const declared = new Set<string>(Object.values(awsActions));

/** Actions the engine sent that are not in awsActions, so the IAM policy test never checked them (should be none). */
export function undeclaredActions(proxy: FaultProxy): string[] {
  return [...new Set(proxy.requests.map((r) => r.action))].filter((action) => !declared.has(action));
}

/** moto behind a fault proxy for the calling test file: started before its tests, stopped after them. */
export function useMotoRds(): { readonly current: MotoRds } {
  let aws: MotoRds | undefined;
  beforeAll(async () => {
    aws = await startMotoRds();
  }, 120_000);
  afterAll(async () => {
    await aws?.stop();
  });
  return {
    get current() {
      if (!aws) throw new Error('moto starts in beforeAll; use it inside hooks and tests');
      return aws;
    },
  };
}
