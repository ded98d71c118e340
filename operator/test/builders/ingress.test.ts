// TLS for all external traffic: what the Ingress builder asks the AWS Load Balancer Controller for, per scheme.
import { describe, expect, it } from '@jest/globals';
import type { PetStore, PetStoreSpec } from '../../src/api/v1alpha1/petstore.ts';
import { buildIngress, serviceUrl } from '../../src/builders/ingress.ts';
import { sqliteConnection } from '../../src/spec/database-connection.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';

const certificateArn = 'arn:aws:acm:us-west-2:123456789012:certificate/0f0e6b8e-1111-2222-3333-444455556666';
const petStore = (ingress: PetStoreSpec['ingress']): PetStore => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: 'uid' },
  spec: { ingress },
});
const render = (ingress: PetStoreSpec['ingress']) => {
  const store = petStore(ingress);
  const spec = resolveSpec(store, builtinDefaults);
  const built = buildIngress({ petStore: store, spec, connection: sqliteConnection });
  const annotations = built.metadata?.annotations ?? {};
  return {
    listenPorts: annotations['alb.ingress.kubernetes.io/listen-ports'],
    redirect: annotations['alb.ingress.kubernetes.io/ssl-redirect'],
    certificate: annotations['alb.ingress.kubernetes.io/certificate-arn'],
    tlsHosts: built.spec?.tls?.flatMap((tls) => tls.hosts ?? []),
    url: serviceUrl(store, spec),
  };
};

describe('buildIngress', () => {
  it('serves an internet-facing load balancer over HTTPS only, redirecting HTTP, with the given certificate', () => {
    expect(render({ host: 'shop.example.com', tls: { certificateArn } })).toEqual({
      listenPorts: '[{"HTTP":80},{"HTTPS":443}]',
      redirect: '443',
      certificate: certificateArn,
      tlsHosts: ['shop.example.com'],
      url: 'https://shop.example.com/api/v1',
    });
  });

  it('serves an internet-facing load balancer over HTTPS in every environment, even without a certificate ARN (the controller finds it in ACM by host)', () => {
    expect(render({ host: 'dev.shop.example.com' })).toEqual({
      listenPorts: '[{"HTTP":80},{"HTTPS":443}]',
      redirect: '443',
      certificate: undefined,
      tlsHosts: ['dev.shop.example.com'],
      url: 'https://dev.shop.example.com/api/v1',
    });
  });

  it('lets an internal load balancer serve HTTP', () => {
    expect(render({ host: 'shop.internal.example.com', scheme: 'internal' })).toEqual({
      listenPorts: '[{"HTTP":80}]',
      redirect: undefined,
      certificate: undefined,
      tlsHosts: undefined,
      url: 'http://shop.internal.example.com/api/v1',
    });
  });

  it('serves an internal load balancer over HTTPS when it is given a certificate', () => {
    expect(render({ host: 'shop.internal.example.com', scheme: 'internal', tls: { certificateArn } })).toMatchObject({
      redirect: '443',
      certificate: certificateArn,
      url: 'https://shop.internal.example.com/api/v1',
    });
  });
});
