// The rds database engine; the only part of the operator that knows the AWS SDK.
export { createRdsDatabase, type RdsContext, type RdsDatabase } from './rds-database.ts';
export { rdsDefaults, type RdsDatabaseOptions } from './options.ts';
export { AwsRequestRefusedError } from './aws-errors.ts';
