import type { V1ConfigMap } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { childMetadata, childNames } from './metadata.ts';

/** The API's non-secret configuration, under the environment variable names of the seeds' app-config and the API's. */
export function buildConfigMap({ petStore, spec }: BuildInputs): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMetadata(petStore, childNames(petStore).configMap),
    data: {
      API_VERSION: 'v1',
      ENVIRONMENT: spec.environment,
      LOG_LEVEL: spec.logLevel,
      PAGINATION_LIMIT: String(spec.paginationLimit),
      CORS_ORIGINS: spec.corsOrigins.join(','),
      PORT: '8080',
      // Each replica counts on its own, so a client's effective budget grows with the number of pods.
      RATE_LIMIT_REQUESTS: String(spec.rateLimit.requests),
      RATE_LIMIT_WINDOW_SECONDS: String(spec.rateLimit.windowSeconds),
      TRUSTED_PROXIES: spec.rateLimit.trustedProxyCIDRs.join(','),
    },
  };
}
