// The API's access controls as the operator sets them up (issue 14): the per-PetStore API keys Secret, its wiring
// into the server's pods (not the migration Job's), and the rate limit's configuration.
import { describe, expect, it } from '@jest/globals';
import { apiKeysSecretName, buildApiKeysSecret } from '../../src/builders/api-keys.ts';
import { buildConfigMap } from '../../src/builders/config-map.ts';
import { buildDeployment } from '../../src/builders/deployment.ts';
import { buildMigrationJob } from '../../src/builders/migration-job.ts';
import { exampleApiKey, external, inputs } from './inputs.ts';

describe('the API keys Secret', () => {
  it('is <name>-api-keys, owned by the PetStore, holding the generated key as the one line of its keys file', () => {
    const shop = inputs({});
    const secret = buildApiKeysSecret(shop);
    expect(apiKeysSecretName(shop.petStore)).toBe('shop-api-keys');
    expect(secret.metadata).toMatchObject({
      name: 'shop-api-keys',
      namespace: 'pets',
      ownerReferences: [expect.objectContaining({ kind: 'PetStore', name: 'shop', controller: true })],
    });
    expect(Buffer.from(secret.data?.keys ?? '', 'base64').toString()).toBe(`${exampleApiKey}\n`);
    expect(secret.immutable).toBeUndefined(); // the user may add or rotate keys in it
  });

  it('reaches the server as a read-only directory mount (subPath would freeze it) named by API_KEYS_FILE', () => {
    const pod = buildDeployment(inputs({})).spec?.template.spec;
    const container = pod?.containers[0];
    expect(pod?.volumes).toContainEqual({
      name: 'api-keys',
      secret: { secretName: 'shop-api-keys', defaultMode: 0o440, optional: false },
    });
    expect(container?.volumeMounts).toContainEqual({
      name: 'api-keys',
      mountPath: '/etc/petstore/api-keys',
      readOnly: true,
    });
    expect(container?.env).toEqual([{ name: 'API_KEYS_FILE', value: '/etc/petstore/api-keys/keys' }]);
    expect(JSON.stringify(pod)).not.toContain(exampleApiKey);
  });

  it('stays out of the migration Job, which serves no request', () => {
    const pod = buildMigrationJob(inputs(external)).spec?.template.spec;
    expect(pod?.volumes?.map((v) => v.name)).not.toContain('api-keys');
    expect(pod?.containers[0]?.env).toBeUndefined();
  });
});

describe('the rate limit configuration', () => {
  const lb = ['10.0.101.0/24', '10.0.102.0/24'];
  const ingress = { host: 'shop.example.com' };
  it.each([
    [
      'defaults to 600 a minute and trusts the load balancer subnets behind an Ingress',
      { ingress, networkPolicy: { allowedCIDRs: lb } },
      { RATE_LIMIT_REQUESTS: '600', RATE_LIMIT_WINDOW_SECONDS: '60', TRUSTED_PROXIES: lb.join(',') },
    ],
    [
      'trusts no forwarded address without an Ingress',
      { networkPolicy: { allowedCIDRs: lb } },
      { RATE_LIMIT_REQUESTS: '600', RATE_LIMIT_WINDOW_SECONDS: '60', TRUSTED_PROXIES: '' },
    ],
    [
      'takes what the spec says, an empty proxy list and 0 (off) included',
      { ingress, rateLimit: { requests: 0, windowSeconds: 1, trustedProxyCIDRs: [] } },
      { RATE_LIMIT_REQUESTS: '0', RATE_LIMIT_WINDOW_SECONDS: '1', TRUSTED_PROXIES: '' },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(buildConfigMap(inputs(spec)).data).toMatchObject(expected);
  });
});
