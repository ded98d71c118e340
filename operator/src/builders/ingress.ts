import type { V1Ingress } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../spec/build-inputs.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';
import { required } from './required.ts';
import { childMetadata, childNames } from './metadata.ts';

const alb = 'alb.ingress.kubernetes.io';

/** AWS load balancer tags: the seeds' required tags, as the AWS Load Balancer Controller's tags annotation. */
export function awsTags(petStore: PetStore, spec: ResolvedSpec): Record<string, string> {
  return {
    Environment: spec.environment,
    Application: 'pet-store',
    Owner: spec.tags.owner,
    'Cost-Center': spec.tags.costCenter,
    'petstore.example.com/namespace': petStore.metadata.namespace,
    'petstore.example.com/name': petStore.metadata.name,
  };
}

/** Precondition: spec.ingress is set. */
export function wantsIngress({ spec }: BuildInputs): boolean {
  return spec.ingress !== undefined;
}

/** An ALB Ingress for the API path. */
export function buildIngress({ petStore, spec }: BuildInputs): V1Ingress {
  const ingress = required(spec.ingress, 'spec.ingress');
  const names = childNames(petStore);
  const tls = servesHttps(ingress);
  const annotations: Record<string, string> = {
    [`${alb}/scheme`]: ingress.scheme,
    [`${alb}/target-type`]: 'ip',
    [`${alb}/healthcheck-path`]: '/api/v1/health',
    [`${alb}/success-codes`]: '200',
    [`${alb}/listen-ports`]: tls ? '[{"HTTP":80},{"HTTPS":443}]' : '[{"HTTP":80}]',
    [`${alb}/tags`]: Object.entries(awsTags(petStore, spec))
      .map(([key, value]) => `${key}=${value}`)
      .join(','),
    // The API keeps idle connections 65 s, longer than this idle timeout, so the ALB never reuses a closed one.
    [`${alb}/load-balancer-attributes`]: 'idle_timeout.timeout_seconds=60',
  };
  if (tls) {
    // Without an ARN, the controller finds the ACM certificate for spec.tls hosts, and fails rather than serve HTTP.
    if (ingress.certificateArn !== undefined) annotations[`${alb}/certificate-arn`] = ingress.certificateArn;
    annotations[`${alb}/ssl-redirect`] = '443';
    annotations[`${alb}/ssl-policy`] = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: childMetadata(petStore, names.ingress, annotations),
    spec: {
      ingressClassName: ingress.className,
      ...(tls ? { tls: [{ hosts: [ingress.host] }] } : {}),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: ingress.path,
                pathType: 'Prefix',
                backend: { service: { name: names.service, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** TLS for all external traffic: an internet-facing load balancer serves HTTPS only; an internal one when given a
 *  certificate. */
export function servesHttps(ingress: NonNullable<ResolvedSpec['ingress']>): boolean {
  return ingress.certificateArn !== undefined || ingress.scheme === 'internet-facing';
}

/** Where users reach the API, as status.url shows it. */
export function serviceUrl(petStore: PetStore, spec: ResolvedSpec): string {
  if (spec.ingress) return `${servesHttps(spec.ingress) ? 'https' : 'http'}://${spec.ingress.host}${spec.ingress.path}`;
  const names = childNames(petStore);
  return `http://${names.service}.${petStore.metadata.namespace}.svc/api/v1`;
}
