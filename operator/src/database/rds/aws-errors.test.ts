import { describe, expect, it } from '@jest/globals';
import { DBInstanceNotFoundFault } from '@aws-sdk/client-rds';
import { isPermanentError } from '../../runtime/errors.ts';
import { awsErrorCode, awsFailure, AwsRequestRefusedError } from './aws-errors.ts';

/** An error shaped as the SDK throws for an unmodelled AWS error code. */
const sdkError = (code: string, message: string) =>
  Object.assign(new Error(message), { name: code, Code: code, $metadata: {} });

describe('awsErrorCode', () => {
  it('reads the wire code of a modelled error', () => {
    expect(awsErrorCode(new DBInstanceNotFoundFault({ message: 'gone', $metadata: {} }))).toBe(
      'DBInstanceNotFoundFault',
    );
    expect(awsErrorCode(sdkError('DBInstanceNotFound', 'gone'))).toBe('DBInstanceNotFound');
  });

  it('has none for network errors', () => {
    expect(awsErrorCode(new Error('connect ECONNREFUSED'))).toBeUndefined();
  });
});

describe('awsFailure', () => {
  it.each([
    [
      'AccessDenied',
      'AWSAccessDenied',
      /AWS denied rds:CreateDBInstance on instance x \(AccessDenied\): not authorized\. The operator's IAM role needs .*operator\/iam\/aws-policy\.json/,
    ],
    ['AccessDeniedException', 'AWSAccessDenied', /AWS denied/],
    [
      'InvalidParameterCombination',
      'AWSInvalidRequest',
      /AWS refused rds:CreateDBInstance on instance x \(InvalidParameterCombination\): not authorized/,
    ],
    ['InstanceQuotaExceeded', 'AWSQuotaExceeded', /quota exceeded \(InstanceQuotaExceeded\)/],
    ['StorageQuotaExceeded', 'AWSQuotaExceeded', /quota exceeded/],
    ['DBSubnetGroupNotFoundFault', 'AWSInvalidRequest', /DBSubnetGroupNotFoundFault/],
  ])('makes %s permanent (Stalled, not retried) with the code and message', (code, reason, message) => {
    const failure = awsFailure(sdkError(code, 'not authorized'), 'rds:CreateDBInstance', 'instance x');
    expect(isPermanentError(failure)).toBe(true);
    if (!(failure instanceof AwsRequestRefusedError))
      throw new Error(`expected an AwsRequestRefusedError, got ${failure.name}`);
    expect(failure.reason).toBe(reason);
    expect(failure.message).toMatch(message);
  });

  it.each([
    ['Throttling', sdkError('Throttling', 'Rate exceeded')],
    ['InternalFailure', sdkError('InternalFailure', 'oops')],
    ['InvalidDBInstanceState', sdkError('InvalidDBInstanceState', 'busy')],
    ['a network error', new Error('socket hang up')],
  ])('keeps %s transient (retried with backoff), naming the call', (_case, error) => {
    const failure = awsFailure(error, 'rds:DescribeDBInstances', 'instance x');
    expect(isPermanentError(failure)).toBe(false);
    expect(failure.message).toMatch(/^rds:DescribeDBInstances on instance x failed/);
    expect(failure.cause).toBe(error);
  });
});

describe('AWS error text shown on a PetStore', () => {
  it('never exposes the operator role ARN or the account id (attacker: read them from status or events)', () => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/pet-store-prod-petstore-operator/eks-prod-petstore-o-1a2b3c ' +
      'is not authorized to perform: rds:ModifyDBInstance on resource: arn:aws:rds:us-west-2:123456789012:db:legacy-db ' +
      'because no identity-based policy allows the rds:ModifyDBInstance action (account 123456789012)';
    const failure = awsFailure(
      sdkError('AccessDenied', message),
      'secretsmanager:GetSecretValue',
      'secret arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1-AbCdEf',
    );
    expect(failure.message).not.toMatch(/123456789012|assumed-role|pet-store-prod-petstore-operator/);
    expect(failure.message).toContain(
      "User: the operator's IAM role is not authorized to perform: rds:ModifyDBInstance",
    );
    expect(failure.message).toContain('arn:aws:rds:us-west-2:<account>:db:legacy-db');
    expect(failure.message).toContain('secret arn:aws:secretsmanager:us-west-2:<account>:secret:rds!db-1-AbCdEf');
  });
});
