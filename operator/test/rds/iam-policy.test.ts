// Every AWS request the rds engine makes, checked against the policy the operator's role gets
// (operator/iam/aws-policy.json): the calls it makes itself, and those AWS authorizes on its behalf.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { awsActions } from '../../src/database/rds/aws-session.ts';
import { createInstanceInput, desiredInstance } from '../../src/database/rds/desired-instance.ts';
import { tagKeys } from '../../src/database/rds/tags.ts';
import { authorize, type AuthorizationRequest, type PolicyDocument } from './iam-evaluator.ts';
import { clusterName, rdsPetStore, specOf, testSettings } from './fixtures.ts';

const policyFile = fileURLToPath(new URL('../../iam/aws-policy.json', import.meta.url));
if (!existsSync(policyFile))
  throw new Error(`${policyFile} is missing: the operator's IAM policy document must be in the repository`);
const policy = JSON.parse(readFileSync(policyFile, 'utf8')) as PolicyDocument;

const region = 'us-west-2';
const account = '123456789012';
const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
// What the EKS Pod Identity session of the operator carries.
const variables = { 'aws:PrincipalTag/eks-cluster-name': clusterName, Region: region, Account: account };

const settings = testSettings({
  dbSubnetGroupName: 'pet-store-prod-databases',
  dbParameterGroups: { '17': 'pet-store-prod-postgres17' },
});
const production = rdsPetStore({ spec: { config: { environment: 'production' } } });
const desired = desiredInstance(production, specOf(production), settings);
const create = createInstanceInput(desired, settings);
const ourTags = desired.tags;
const otherCluster = { ...ourTags, [tagKeys.cluster]: 'other-eks' };
const db = arn('rds', `db:${desired.identifier}`);
const snapshot = arn('rds', `snapshot:${desired.finalSnapshotIdentifier}`);
const secret = arn('secretsmanager', 'secret:rds!db-5b6c3a0e-1f2d-4e8a-9b7c-0d1e2f3a4b5c-AbCdEf');
/** RDS tags its managed master secret with the instance's ARN (moto too: aws:rds:primaryDBInstanceArn). */
const secretOf = (instanceArn: string, extra: Record<string, string> = {}) => ({
  'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn': instanceArn,
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`secretsmanager:ResourceTag/${k}`, v])),
});
const legacy = arn('rds', 'db:legacy-db');
const siblingTags = { ...ourTags, [tagKeys.name]: 'old-shop' };
const siblingDb = arn('rds', 'db:petstore-pets-old-shop-1a2b3c4d');
const backupSnapshot = arn('rds', 'snapshot:petstore-pets-old-shop-nightly-abc123');
const foreignSnapshot = arn('rds', 'snapshot:legacy-db-2026-11-30');
const restoredTags = { ...ourTags, [tagKeys.restoredFrom]: 'snapshot petstore-pets-old-shop-nightly-abc123' };
const grant = { [tagKeys.adoptableBy]: `${clusterName}/pets/shop` };

const requestTags = (tags: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
  'aws:TagKeys': Object.keys(tags),
});
const resourceTags = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
const request = (
  action: string,
  resource: string,
  context: AuthorizationRequest['context'] = {},
): AuthorizationRequest => ({
  action,
  resource,
  context,
  variables,
});
const createContext = {
  ...requestTags(ourTags),
  'rds:DatabaseEngine': 'postgres',
  'rds:ManageMasterUserPassword': String(create.ManageMasterUserPassword),
  'rds:StorageEncrypted': String(create.StorageEncrypted),
};

const restoreContext = requestTags(restoredTags);

/** [what happens, the request]: one row per authorization, named after the engine's step that needs it. */
const needed: [string, AuthorizationRequest][] = [
  ['describe the instance', request(awsActions.describeInstance, db)],
  ['create the instance', request(awsActions.createInstance, db, createContext)],
  [
    'create it in the subnet group',
    request(awsActions.createInstance, arn('rds', `subgrp:${settings.dbSubnetGroupName}`), createContext),
  ],
  [
    'create it with the parameter group',
    request(awsActions.createInstance, arn('rds', `pg:${create.DBParameterGroupName ?? ''}`), createContext),
  ],
  [
    'create it with the default option group',
    request(awsActions.createInstance, arn('rds', 'og:default:postgres-17'), createContext),
  ],
  [
    'tag it on create (RDS authorizes AddTagsToResource for the Tags of CreateDBInstance)',
    request(awsActions.addTags, db, requestTags(ourTags)),
  ],
  [
    'let RDS create the managed secret (forward access session)',
    request('secretsmanager:CreateSecret', secret, { 'aws:RequestTag/aws:rds:primaryDBInstanceArn': db }),
  ],
  [
    'let RDS tag the managed secret',
    request('secretsmanager:TagResource', secret, { 'aws:RequestTag/aws:rds:primaryDBInstanceArn': db }),
  ],
  [
    'let Secrets Manager use the default KMS key',
    request('kms:DescribeKey', arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), {
      'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
    }),
  ],
  ['read the master credentials', request(awsActions.readSecret, secret, secretOf(db))],
  [
    'read the master credentials of an instance an administrator let it adopt (grant tagged on the secret)',
    request(awsActions.readSecret, secret, secretOf(legacy, grant)),
  ],
  ['change settings in place', request(awsActions.modifyInstance, db, resourceTags(ourTags))],
  [
    'correct drifted tags',
    request(awsActions.addTags, db, { ...resourceTags({ ...ourTags, Owner: 'old' }), ...requestTags(ourTags) }),
  ],
  [
    'tag an instance taken over with adopt: true and the administrator’s grant',
    request(awsActions.addTags, legacy, { ...resourceTags({ team: 'legacy', ...grant }), ...requestTags(ourTags) }),
  ],
  [
    'remove the released mark when a PetStore picks its instance up again',
    request(awsActions.removeTags, db, {
      ...resourceTags({ ...ourTags, [tagKeys.released]: 'true' }),
      'aws:TagKeys': [tagKeys.released],
    }),
  ],
  [
    'mark a retained instance released',
    request(awsActions.addTags, db, {
      ...resourceTags(ourTags),
      ...requestTags({ ...ourTags, [tagKeys.released]: 'true' }),
    }),
  ],
  ['turn deletion protection off before deleting', request(awsActions.modifyInstance, db, resourceTags(ourTags))],
  ['delete the instance', request(awsActions.deleteInstance, db, resourceTags(ourTags))],
  [
    'delete it with a final snapshot (the snapshot is a resource of the call)',
    request(awsActions.deleteInstance, snapshot),
  ],
  ['take the final snapshot', request('rds:CreateDBSnapshot', snapshot)],
  ['take the final snapshot of its instance', request('rds:CreateDBSnapshot', db, resourceTags(ourTags))],
  ['copy the instance tags to the final snapshot', request(awsActions.addTags, snapshot, requestTags(ourTags))],
  // Restore as a spec (issue 15): RDS authorizes the new instance and the source (snapshot or instance) separately.
  ['restore a new instance from a snapshot', request(awsActions.restoreFromSnapshot, db, restoreContext)],
  [
    'restore from a snapshot of a PetStore of its cluster',
    request(awsActions.restoreFromSnapshot, backupSnapshot, { ...restoreContext, ...resourceTags(siblingTags) }),
  ],
  [
    'restore from a snapshot an administrator granted (restorable-by)',
    request(awsActions.restoreFromSnapshot, foreignSnapshot, {
      ...restoreContext,
      ...resourceTags({ team: 'legacy', [tagKeys.restorableBy]: `${clusterName}/pets/shop` }),
    }),
  ],
  [
    'restore it in the subnet group',
    request(awsActions.restoreFromSnapshot, arn('rds', `subgrp:${settings.dbSubnetGroupName}`), restoreContext),
  ],
  [
    'restore it with the parameter group',
    request(awsActions.restoreFromSnapshot, arn('rds', `pg:${create.DBParameterGroupName ?? ''}`), restoreContext),
  ],
  ['restore a new instance to a point in time', request(awsActions.restoreToPointInTime, db, restoreContext)],
  [
    'restore to a point in time of an instance of its cluster',
    request(awsActions.restoreToPointInTime, siblingDb, { ...restoreContext, ...resourceTags(siblingTags) }),
  ],
  [
    'restore it to a point in time in the subnet group',
    request(awsActions.restoreToPointInTime, arn('rds', `subgrp:${settings.dbSubnetGroupName}`), restoreContext),
  ],
  ['tag the restored instance', request(awsActions.addTags, db, requestTags(restoredTags))],
  ['find a snapshot', request(awsActions.describeSnapshots, backupSnapshot)],
  // Backups (PetStoreBackup, scheduled snapshots).
  ['snapshot its instance', request(awsActions.createSnapshot, db, resourceTags(ourTags))],
  ['create the backup snapshot', request(awsActions.createSnapshot, backupSnapshot)],
  ['tag the backup snapshot on create', request(awsActions.addTags, backupSnapshot, requestTags(ourTags))],
  ['delete a snapshot it made', request(awsActions.deleteSnapshot, backupSnapshot, resourceTags(ourTags))],
];

describe('operator/iam/aws-policy.json', () => {
  it.each(needed)('allows the operator to %s', (_step, authorization) => {
    expect(authorize(policy, authorization)).toMatchObject({ allowed: true });
  });

  it('covers every action the engine calls', () => {
    const checked = new Set(needed.map(([, r]) => r.action));
    expect(Object.values(awsActions).filter((action) => !checked.has(action))).toEqual([]);
  });

  it.each([
    ['modify an instance it does not manage', request(awsActions.modifyInstance, db, resourceTags({ team: 'legacy' }))],
    ['delete an instance it does not manage', request(awsActions.deleteInstance, db, {})],
    [
      'create an instance without the ownership tags',
      request(awsActions.createInstance, db, { ...createContext, 'aws:RequestTag/managed-by': 'someone' }),
    ],
    [
      'create an unencrypted instance',
      request(awsActions.createInstance, db, { ...createContext, 'rds:StorageEncrypted': 'false' }),
    ],
    [
      'create an instance whose password it would have to hold',
      request(awsActions.createInstance, db, { ...createContext, 'rds:ManageMasterUserPassword': 'false' }),
    ],
    ['modify an instance of another cluster', request(awsActions.modifyInstance, db, resourceTags(otherCluster))],
    ['delete an instance of another cluster', request(awsActions.deleteInstance, db, resourceTags(otherCluster))],
    [
      'tag an instance of another cluster',
      request(awsActions.addTags, db, { ...resourceTags(otherCluster), ...requestTags(ourTags) }),
    ],
    [
      'create an instance claiming another cluster',
      request(awsActions.createInstance, db, { ...createContext, ...requestTags(otherCluster) }),
    ],
    [
      'read secrets that are not RDS-managed',
      request(awsActions.readSecret, arn('secretsmanager', 'secret:prod/payments-AbCdEf')),
    ],
    // The attacks of issue 13: a tenant names someone else's instance; only the administrator's grant opens it.
    [
      'tag an untagged instance nobody granted (adopt: true alone)',
      request(awsActions.addTags, legacy, { ...resourceTags({ team: 'legacy' }), ...requestTags(ourTags) }),
    ],
    [
      'tag an instance granted to another cluster',
      request(awsActions.addTags, legacy, {
        ...resourceTags({ [tagKeys.adoptableBy]: 'other-eks/pets/shop' }),
        ...requestTags(ourTags),
      }),
    ],
    [
      'grant adoption itself',
      request(awsActions.addTags, legacy, {
        ...resourceTags({ team: 'legacy' }),
        ...requestTags({ ...ourTags, [tagKeys.adoptableBy]: `${clusterName}/pets/shop` }),
      }),
    ],
    ['modify an untagged instance', request(awsActions.modifyInstance, legacy, resourceTags({ team: 'legacy' }))],
    ['reboot an untagged instance', request('rds:RebootDBInstance', legacy, resourceTags({ team: 'legacy' }))],
    ['delete an untagged instance', request(awsActions.deleteInstance, legacy, {})],
    ['remove tags from an untagged instance', request(awsActions.removeTags, legacy, { 'aws:TagKeys': ['team'] })],
    ['reboot an instance of another cluster', request('rds:RebootDBInstance', db, resourceTags(otherCluster))],
    [
      'read the master secret of an instance it did not create and nobody granted',
      request(awsActions.readSecret, secret, secretOf(legacy)),
    ],
    [
      'read the master secret of an instance granted to another cluster',
      request(awsActions.readSecret, secret, secretOf(legacy, { [tagKeys.adoptableBy]: 'other-eks/pets/shop' })),
    ],
    [
      'act in another account',
      request(
        awsActions.modifyInstance,
        `arn:aws:rds:${region}:210987654321:db:${desired.identifier}`,
        resourceTags(ourTags),
      ),
    ],
    [
      'act in another region',
      request(
        awsActions.deleteInstance,
        `arn:aws:rds:eu-west-1:${account}:db:${desired.identifier}`,
        resourceTags(ourTags),
      ),
    ],
    ['create an instance under a name it does not derive', request(awsActions.createInstance, legacy, createContext)],
    [
      'restore from a snapshot of another cluster',
      request(awsActions.restoreFromSnapshot, backupSnapshot, {
        ...restoreContext,
        ...resourceTags({ ...siblingTags, [tagKeys.cluster]: 'other-eks' }),
      }),
    ],
    [
      'restore from a snapshot nobody granted',
      request(awsActions.restoreFromSnapshot, foreignSnapshot, {
        ...restoreContext,
        ...resourceTags({ team: 'legacy' }),
      }),
    ],
    [
      'restore from a snapshot granted to another cluster',
      request(awsActions.restoreFromSnapshot, foreignSnapshot, {
        ...restoreContext,
        ...resourceTags({ [tagKeys.restorableBy]: 'other-eks/pets/shop' }),
      }),
    ],
    [
      'restore to a point in time of an instance of another cluster',
      request(awsActions.restoreToPointInTime, siblingDb, { ...restoreContext, ...resourceTags(otherCluster) }),
    ],
    [
      'restore onto an instance name another cluster holds',
      request(awsActions.restoreFromSnapshot, db, { ...restoreContext, ...resourceTags(otherCluster) }),
    ],
    [
      'restore an instance without the ownership tags',
      request(awsActions.restoreFromSnapshot, db, { ...restoreContext, 'aws:RequestTag/managed-by': 'someone' }),
    ],
    [
      'grant a restore itself',
      request(awsActions.addTags, legacy, {
        ...resourceTags(ourTags),
        ...requestTags({ ...ourTags, [tagKeys.restorableBy]: `${clusterName}/pets/shop` }),
      }),
    ],
    ['delete a snapshot it did not make', request(awsActions.deleteSnapshot, foreignSnapshot, {})],
    [
      'delete a snapshot of another cluster',
      request(awsActions.deleteSnapshot, backupSnapshot, resourceTags(otherCluster)),
    ],
  ])('refuses to %s', (_step, authorization) => {
    expect(authorize(policy, authorization)).toMatchObject({ allowed: false });
  });
});

/**
 * The administrator's cost limits in IAM: infra-terraform/pod-identity.tf attaches these documents only when its
 * rds_allowed_instance_classes / rds_max_allocated_storage variables are set, substituting them as below (the
 * operator gets the same values as chart values and refuses first; IAM is the backstop).
 */
describe('the cost-limit policies (operator/iam/aws-policy-instance-classes.json, aws-policy-max-storage.json)', () => {
  const template = (file: string) => readFileSync(fileURLToPath(new URL(`../../iam/${file}`, import.meta.url)), 'utf8');
  const limited: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      ...policy.Statement,
      ...(
        JSON.parse(
          template('aws-policy-instance-classes.json').replace(
            '"${AllowedInstanceClasses}"',
            JSON.stringify(['db.t4g.micro', 'db.t4g.small']),
          ),
        ) as PolicyDocument
      ).Statement,
      ...(
        JSON.parse(template('aws-policy-max-storage.json').replace('${MaxAllocatedStorage}', '100')) as PolicyDocument
      ).Statement,
    ],
  };
  const withClass = (instanceClass: string, storage = '20') => ({
    ...createContext,
    'rds:DatabaseClass': instanceClass,
    'rds:StorageSize': storage,
  });

  it.each([
    [
      'create an allowed class within the storage limit',
      request(awsActions.createInstance, db, withClass('db.t4g.small')),
    ],
    [
      'change settings without touching class or storage',
      request(awsActions.modifyInstance, db, resourceTags(ourTags)),
    ],
    [
      'move to an allowed class',
      request(awsActions.modifyInstance, db, { ...resourceTags(ourTags), 'rds:DatabaseClass': 'db.t4g.micro' }),
    ],
  ])('still allows the operator to %s', (_step, authorization) => {
    expect(authorize(limited, authorization)).toMatchObject({ allowed: true });
  });

  it.each([
    ['create a class outside the allowlist', request(awsActions.createInstance, db, withClass('db.r6g.16xlarge'))],
    [
      'move an instance to a class outside the allowlist',
      request(awsActions.modifyInstance, db, { ...resourceTags(ourTags), 'rds:DatabaseClass': 'db.r6g.16xlarge' }),
    ],
    ['create storage above the limit', request(awsActions.createInstance, db, withClass('db.t4g.micro', '65536'))],
    [
      'grow storage above the limit',
      request(awsActions.modifyInstance, db, { ...resourceTags(ourTags), 'rds:StorageSize': '101' }),
    ],
    [
      'restore into a class outside the allowlist',
      request(awsActions.restoreFromSnapshot, db, { ...restoreContext, 'rds:DatabaseClass': 'db.x2g.large' }),
    ],
  ])('denies the operator to %s', (_step, authorization) => {
    expect(authorize(limited, authorization)).toMatchObject({ allowed: false });
  });
});
