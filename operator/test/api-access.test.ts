// The pure builders for the API's access controls (issue 14): the per-PetStore API key Secret, its wiring into the
// pods, and the rate limit's configuration. Wired into the reconcile's dependents list after issue 11.
import { describe, expect, it } from '@jest/globals';
import type { PetStore } from '../src/api/v1alpha1/petstore.ts';
import { apiKeysPodParts, apiKeysSecretName, buildApiKeysSecret } from '../src/builders/api-keys.ts';
import { rateLimitConfig, resolveRateLimit } from '../src/builders/rate-limit-config.ts';

const petStore = {
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: '5b0c7f4e-0000-4000-8000-000000000001' },
  spec: {},
} as PetStore;

describe('the API keys Secret', () => {
  it('is named <name>-api-keys, owned by the PetStore, and holds the generated key as one line of the keys file', () => {
    const secret = buildApiKeysSecret(petStore, { generatedKey: 'k3y-0123456789abcdef0123456789abcdef' });
    expect(apiKeysSecretName(petStore)).toBe('shop-api-keys');
    expect(secret.metadata).toMatchObject({
      name: 'shop-api-keys',
      namespace: 'pets',
      ownerReferences: [expect.objectContaining({ kind: 'PetStore', name: 'shop', controller: true })],
    });
    expect(Buffer.from(secret.data?.keys ?? '', 'base64').toString()).toBe('k3y-0123456789abcdef0123456789abcdef\n');
    expect(secret.immutable).toBeUndefined(); // the user may add or rotate keys in it
  });

  it('reaches the API as a read-only directory mount (never subPath, which would freeze it) named by API_KEYS_FILE', () => {
    const { volume, volumeMount, env } = apiKeysPodParts(petStore);
    expect(volume).toEqual({
      name: 'api-keys',
      secret: { secretName: 'shop-api-keys', defaultMode: 0o440, optional: false },
    });
    expect(volumeMount).toEqual({ name: 'api-keys', mountPath: '/etc/petstore/api-keys', readOnly: true });
    expect(volumeMount).not.toHaveProperty('subPath');
    expect(env).toEqual({ name: 'API_KEYS_FILE', value: '/etc/petstore/api-keys/keys' });
  });
});

describe('the rate limit configuration', () => {
  const lb = ['10.0.101.0/24', '10.0.102.0/24'];
  it.each([
    [
      'defaults to 600 a minute and trusts the load balancer subnets behind an Ingress',
      undefined,
      { ingress: true, allowedCIDRs: lb },
      { RATE_LIMIT_REQUESTS: '600', RATE_LIMIT_WINDOW_SECONDS: '60', TRUSTED_PROXIES: '10.0.101.0/24,10.0.102.0/24' },
    ],
    [
      'trusts no forwarded address without an Ingress',
      undefined,
      { ingress: false, allowedCIDRs: lb },
      { RATE_LIMIT_REQUESTS: '600', RATE_LIMIT_WINDOW_SECONDS: '60', TRUSTED_PROXIES: '' },
    ],
    [
      'takes what the spec says, including an empty proxy list and 0 (off)',
      { requests: 0, windowSeconds: 1, trustedProxyCIDRs: [] },
      { ingress: true, allowedCIDRs: lb },
      { RATE_LIMIT_REQUESTS: '0', RATE_LIMIT_WINDOW_SECONDS: '1', TRUSTED_PROXIES: '' },
    ],
  ])('%s', (_name, spec, context, expected) => {
    expect(rateLimitConfig(resolveRateLimit(spec, context))).toEqual(expected);
  });
});
