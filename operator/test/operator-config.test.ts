// The administrator's RDS cost limits from the environment (the chart's rds.allowedInstanceClasses and
// rds.maxAllocatedStorage): parsed, and bad values refused at start naming the variable.
import { describe, expect, it } from '@jest/globals';
import { loadOperatorConfig } from '../src/operator-config.ts';

const rdsEnv = {
  RDS_DB_SUBNET_GROUP: 'pet-store-dev-databases',
  RDS_SECURITY_GROUP_IDS: 'sg-0123456789abcdef0',
  CLUSTER_NAME: 'dev-eks',
};

describe('RDS cost limits', () => {
  it('reads the allowlist and the storage ceiling', () => {
    const config = loadOperatorConfig({
      ...rdsEnv,
      RDS_ALLOWED_INSTANCE_CLASSES: 'db.t4g.micro, db.t4g.small',
      RDS_MAX_ALLOCATED_STORAGE: '200',
    });
    expect(config.rds).toMatchObject({
      allowedInstanceClasses: ['db.t4g.micro', 'db.t4g.small'],
      maxAllocatedStorage: 200,
    });
  });

  it('sets no limit when unset', () => {
    const config = loadOperatorConfig(rdsEnv);
    expect(config.rds).not.toHaveProperty('allowedInstanceClasses');
    expect(config.rds).not.toHaveProperty('maxAllocatedStorage');
  });

  it.each([
    ['RDS_ALLOWED_INSTANCE_CLASSES', 't4g.micro', /RDS_ALLOWED_INSTANCE_CLASSES.*"t4g\.micro", not an instance class/],
    ['RDS_MAX_ALLOCATED_STORAGE', '1TB', /RDS_MAX_ALLOCATED_STORAGE.*"1TB", expected a whole number of GiB/],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    expect(() => loadOperatorConfig({ ...rdsEnv, [name]: value })).toThrow(message);
  });
});
