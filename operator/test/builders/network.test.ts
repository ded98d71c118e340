// What reaches the API and what it reaches: Service and NetworkPolicy (the Ingress: ingress.test.ts).
import { describe, expect, it } from '@jest/globals';
import { buildNetworkPolicy } from '../../src/builders/network-policy.ts';
import { buildService } from '../../src/builders/service.ts';
import { external, inputs } from './inputs.ts';

describe('buildService', () => {
  it('sends port 80 to the pods’ http port', () => {
    expect(buildService(inputs({})).spec?.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });
});

describe('buildNetworkPolicy', () => {
  it.each([
    ['SQLite: DNS only', {}, [[53, 53]]],
    ['PostgreSQL: DNS and 5432 to the database networks', { ...external }, [[53, 53], [5432]]],
  ] as const)('egress for %s', (_case, spec, ports) => {
    const egress = buildNetworkPolicy(inputs(spec)).spec?.egress ?? [];
    expect(egress.map((rule) => rule.ports?.map((p) => p.port))).toEqual(ports);
  });

  it('admits the load balancer networks and the metrics namespaces, on the API port only', () => {
    const [rule] = buildNetworkPolicy(inputs({ networkPolicy: { allowedCIDRs: ['10.9.0.0/24'] } })).spec?.ingress ?? [];
    expect(rule?._from?.[0]).toEqual({ ipBlock: { cidr: '10.9.0.0/24' } });
    expect(rule?._from?.[1]?.namespaceSelector?.matchExpressions?.[0]?.values).toEqual(['monitoring']);
    expect(rule?.ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });
});
