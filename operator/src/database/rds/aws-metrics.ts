// petstore_operator_aws_requests_total: every AWS API call the RDS engine makes, by service, operation and outcome
// code, so the operator's rule group can alert when RDS or Secrets Manager calls keep failing.
import type { RDSClient } from '@aws-sdk/client-rds';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorCode } from './aws-errors.ts';

export const awsRequestsMetric = {
  name: 'petstore_operator_aws_requests_total',
  help: 'AWS API calls of the RDS engine by service, operation and outcome code (OK, or the AWS error code; NetworkError when no answer came).',
  labelNames: ['service', 'operation', 'code'],
} as const;

export interface AwsRequest {
  service: 'rds' | 'secretsmanager';
  operation: string;
  /** OK, the AWS error code, or NetworkError. */
  code: string;
}

export type AwsRequestObserver = (request: AwsRequest) => void;

type Handler = (args: unknown) => Promise<unknown>;
/** The one shape of the SDK's initialize-step middleware this file adds (both clients accept it). */
interface MiddlewareStack {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize'; name: string; override: boolean },
  ): void;
}

/**
 * Reports each call the client sends (after the SDK's own retries) to `observe`. Only the operation's name and the
 * error code are reported: never parameters, which can name secrets.
 */
export function observeAwsRequests<Client extends RDSClient | SecretsManagerClient>(
  client: Client,
  service: AwsRequest['service'],
  observe: AwsRequestObserver,
): Client {
  (client.middlewareStack as unknown as MiddlewareStack).add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const output = await next(args);
        observe({ service, operation, code: 'OK' });
        return output;
      } catch (error) {
        observe({ service, operation, code: awsErrorCode(error) ?? 'NetworkError' });
        throw error;
      }
    },
    // A client given to several engines (tests) reports to the newest one's observer instead of twice.
    { step: 'initialize', name: 'petstoreOperatorAwsRequestMetrics', override: true },
  );
  return client;
}
