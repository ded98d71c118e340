// The PetStore API as the API server serves it: defaults, descriptions, and refusals that name the field.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, useNamespace } from '../../test/cluster/fixtures.ts';
import { installCrd } from '../../test/e2e/operator.ts';
import { invalidSpecs, invalidUpdates } from './invalid-specs.ts';

const namespace = useNamespace();
const manifest = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: { name, namespace: namespace.name },
    spec,
  });
/** The API server's refusal message for creating or changing a PetStore, or undefined when it accepts. */
async function refusal(args: string[], input?: string): Promise<string | undefined> {
  try {
    await kubectl(args, input === undefined ? {} : { input });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

beforeAll(installCrd, 90_000);

describe('PetStore admission', () => {
  it('fills the seeds’ defaults into an empty spec, visible in kubectl get -o yaml', async () => {
    await kubectl(['create', '-f', '-'], { input: manifest('defaults', {}) });
    const spec = JSON.parse(
      await kubectl(['-n', namespace.name, 'get', 'petstore/defaults', '-o', 'jsonpath={.spec}']),
    );
    expect(spec).toEqual({
      config: { corsOrigins: [], environment: 'development', logLevel: 'info', paginationLimit: 20 },
      database: { engine: 'sqlite' },
      monitoring: {
        alerts: { errorRatePercent: 1, latencyP95Milliseconds: 500, cpuPercent: 85, memoryPercent: 85, podRestarts: 1 },
      },
      networkPolicy: { enabled: true },
      quota: { enabled: true },
      resources: {
        requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
        limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
      },
      rollout: { timeout: '5m', automaticRollback: true },
    });
  });

  it('describes every field in kubectl explain', async () => {
    const explained = await kubectl(['explain', 'petstore.spec.database.rds.deletionPolicy']);
    expect(explained.replaceAll(/\s+/g, ' ')).toContain('Snapshot: a final snapshot, then delete.');
    const recursive = await kubectl(['explain', 'petstore.spec', '--recursive']);
    expect(recursive).toContain('targetCPUUtilizationPercentage');
  });

  it.each(
    (
      [
        ['the requirements’ upper-case log level', { config: { logLevel: 'INFO' } }],
        [
          'a /16 network, the widest allowed',
          { networkPolicy: { allowedCIDRs: ['10.0.0.0/16'], databaseCIDRs: ['fd00::/56'] } },
        ],
        [
          'production RDS backups kept 7 days',
          { config: { environment: 'production' }, database: { engine: 'rds', rds: { backupRetentionDays: 7 } } },
        ],
        [
          'staging RDS backups kept 1 day',
          { config: { environment: 'staging' }, database: { engine: 'rds', rds: { backupRetentionDays: 1 } } },
        ],
      ] as const
    ).map(([name, spec], index) => [name, spec, index] as const),
  )('accepts %s', async (_name, spec, index) => {
    expect(await refusal(['create', '-f', '-'], manifest(`valid-${index}`, spec))).toBeUndefined();
  });

  it.each(invalidSpecs.map((c, i) => [c.name, c, i] as const))(
    'refuses %s, naming the field',
    async (_name, invalid, index) => {
      const message = await refusal(['create', '-f', '-'], manifest(`invalid-${index}`, invalid.spec));
      expect(message).toBeDefined();
      for (const words of invalid.message) expect(message).toContain(words);
    },
  );

  it.each(invalidUpdates.map((c, i) => [c.name, c, i] as const))(
    'refuses %s on an existing PetStore',
    async (_name, update, index) => {
      const name = `update-${index}`;
      await kubectl(['create', '-f', '-'], { input: manifest(name, update.spec) });
      const message = await refusal([
        '-n',
        namespace.name,
        'patch',
        `petstore/${name}`,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: update.patch }),
      ]);
      expect(message).toBeDefined();
      for (const words of update.message) expect(message).toContain(words);
    },
  );
});
