import { describe, expect, it } from '@jest/globals';
import { rdsSettings } from './options.ts';

const valid = { clusterName: 'prod-eks', dbSubnetGroupName: 'pet-store-db', vpcSecurityGroupIds: ['sg-0abc'] };

describe('rdsSettings', () => {
  it('fills in the defaults: PostgreSQL 17, rotation seen within 5 minutes, polled every 30 s while RDS works', () => {
    expect(rdsSettings(valid)).toEqual({
      ...valid,
      defaultEngineVersion: '17',
      rotationCheckIntervalMs: 300_000,
      statusPollIntervalMs: 30_000,
      databaseName: 'petstore',
      masterUsername: 'petstore',
      sslMode: 'require',
      dbParameterGroups: {},
    });
  });

  it.each([
    ['an empty cluster name', { clusterName: '' }, /clusterName must be/],
    ['no subnet group', { dbSubnetGroupName: '' }, /dbSubnetGroupName is required/],
    ['no security group', { vpcSecurityGroupIds: [] }, /vpcSecurityGroupIds must be one or more sg-/],
    ['a malformed security group', { vpcSecurityGroupIds: ['default'] }, /vpcSecurityGroupIds .*"default"/],
    ['a malformed version', { defaultEngineVersion: 'latest' }, /defaultEngineVersion must be .* \(got latest\)/],
    [
      'a poll interval that would hammer AWS',
      { statusPollIntervalMs: 10 },
      /statusPollIntervalMs must be at least 1000 ms/,
    ],
    ['a master user RDS refuses', { masterUsername: 'pet-store' }, /masterUsername pet-store/],
    [
      'a parameter group keyed by family',
      { dbParameterGroups: { postgres17: 'g' } },
      /dbParameterGroups keys must be .* \(got postgres17\)/,
    ],
  ])('refuses %s, naming the option', (_case, change, message) => {
    expect(() => rdsSettings({ ...valid, ...change })).toThrow(message);
  });
});
