import { PermanentError, TemporaryError } from '../../runtime/errors.ts';

/** How often a PetStore stalled on an AWS refusal (IAM, quota) is tried again: an administrator may have fixed it. */
export const awsRefusalRecheckMs = 10 * 60_000;

/** The AWS error code of an SDK error (the wire code, e.g. DBInstanceNotFound), if it is one. */
export function awsErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { Code?: unknown }).Code;
  if (typeof code === 'string' && code) return code;
  return '$metadata' in error ? error.name : undefined;
}

const accessDenied = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'NotAuthorized',
  'OptInRequired',
  'SignatureDoesNotMatch',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
]);
const quotaExceeded = new Set([
  'InstanceQuotaExceeded',
  'LimitExceededException',
  'SnapshotQuotaExceeded',
  'StorageQuotaExceeded',
]);
/** Requests RDS or Secrets Manager will refuse again until something outside the operator changes. */
const invalidRequest = new Set([
  'AuthorizationNotFound',
  'DBParameterGroupNotFound',
  'DBSecurityGroupNotFound',
  'DBSubnetGroupDoesNotCoverEnoughAZs',
  'DBSubnetGroupNotFoundFault',
  'DecryptionFailure',
  'InvalidParameter',
  'InvalidParameterCombination',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidRestoreFault',
  'InvalidSubnet',
  'InvalidVPCNetworkStateFault',
  'KMSKeyNotAccessibleFault',
  'MissingParameter',
  'NetworkTypeNotSupported',
  'OptionGroupNotFoundFault',
  'PointInTimeRestoreNotEnabled',
  'ProvisionedIopsNotAvailableInAZFault',
  'StorageTypeNotSupported',
  'ValidationError',
]);

/**
 * AWS refused a request and repeating it cannot help: the operator's IAM role, the account's quotas or the spec must
 * change. `reason` is for the PetStore's conditions; the message carries the AWS code and message.
 */
export class AwsRequestRefusedError extends PermanentError {
  declare readonly reason: 'AWSAccessDenied' | 'AWSQuotaExceeded' | 'AWSInvalidRequest';
  readonly code: string;
  readonly action: string;
  constructor(reason: AwsRequestRefusedError['reason'], code: string, action: string, message: string, cause: unknown) {
    super(message, { cause, reason, recheckAfterMs: awsRefusalRecheckMs });
    this.name = 'AwsRequestRefusedError';
    this.code = code;
    this.action = action;
  }
}

/**
 * Turns an SDK failure of `action` on `target` into the error the reconciler acts on: an {@link AwsRequestRefusedError}
 * (Stalled, looked at again every 10 minutes) for permanent refusals, otherwise a {@link TemporaryError} (retried with
 * backoff) whose message names the
 * call, the AWS code and AWS's message. Throttling and 5xx have already been retried by the SDK by then.
 */
export function awsFailure(error: unknown, action: string, rawTarget: string): Error {
  const code = awsErrorCode(error);
  const detail = redactAwsText(error instanceof Error ? error.message : String(error));
  const target = redactAwsText(rawTarget);
  if (code !== undefined) {
    if (accessDenied.has(code)) {
      return new AwsRequestRefusedError(
        'AWSAccessDenied',
        code,
        action,
        `AWS denied ${action} on ${target} (${code}): ${detail}. The operator's IAM role needs the policy in operator/iam/aws-policy.json (docs/rds.md, IAM)`,
        error,
      );
    }
    if (quotaExceeded.has(code)) {
      return new AwsRequestRefusedError(
        'AWSQuotaExceeded',
        code,
        action,
        `AWS refused ${action} on ${target}: quota exceeded (${code}): ${detail}`,
        error,
      );
    }
    if (invalidRequest.has(code)) {
      return new AwsRequestRefusedError(
        'AWSInvalidRequest',
        code,
        action,
        `AWS refused ${action} on ${target} (${code}): ${detail}`,
        error,
      );
    }
    return new TemporaryError('AWSError', `${action} on ${target} failed (${code}): ${detail}`, { cause: error });
  }
  return new TemporaryError('AWSError', `${action} on ${target} failed: ${detail}`, { cause: error });
}

/**
 * AWS error text as tenants may read it (status, events): the operator's role and session (IAM and STS ARNs) and the
 * account id never appear; other ARNs keep their service, region and resource. AccessDenied messages name the calling
 * role ("User: arn:aws:sts::123456789012:assumed-role/...").
 */
export function redactAwsText(text: string): string {
  return text
    .replace(/arn:aws[a-z-]*:(iam|sts)::\d{12}:[^\s"',;)]+/g, "the operator's IAM role")
    .replace(/(arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:)\d{12}:/g, '$1<account>:')
    .replace(/\b\d{12}\b/g, '<account>');
}
