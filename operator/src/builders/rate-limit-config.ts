/** The API's abuse limits as the PetStore spec states them (spec.rateLimit), defaults filled in. */
export interface RateLimitSpec {
  /** Requests per client per window; 0 turns the limit off. */
  requests: number;
  windowSeconds: number;
  /** Proxies whose X-Forwarded-For the API believes: the load balancer's subnets. */
  trustedProxyCIDRs: string[];
}

/**
 * The ConfigMap entries (environment variables of the API) for the rate limit. Each replica counts on its own, so a
 * client's effective budget grows with the number of pods.
 */
export function rateLimitConfig(rateLimit: RateLimitSpec): Record<string, string> {
  return {
    RATE_LIMIT_REQUESTS: String(rateLimit.requests),
    RATE_LIMIT_WINDOW_SECONDS: String(rateLimit.windowSeconds),
    TRUSTED_PROXIES: rateLimit.trustedProxyCIDRs.join(','),
  };
}

/**
 * Fills in spec.rateLimit: 600 requests a minute; X-Forwarded-For trusted from the networks allowed to reach the pods
 * (the load balancer's subnets) when an Ingress puts a load balancer in front, from nobody otherwise.
 */
export function resolveRateLimit(
  rateLimit: Partial<RateLimitSpec> | undefined,
  { ingress, allowedCIDRs }: { ingress: boolean; allowedCIDRs: string[] },
): RateLimitSpec {
  return {
    requests: rateLimit?.requests ?? 600,
    windowSeconds: rateLimit?.windowSeconds ?? 60,
    trustedProxyCIDRs: rateLimit?.trustedProxyCIDRs ?? (ingress ? allowedCIDRs : []),
  };
}
