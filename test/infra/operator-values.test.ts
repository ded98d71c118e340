// The values scripts/deploy.sh hands the petstore-operator chart (Terraform's operator_helm_values output plus its
// --set flags) must pass the chart's values.schema.json and reach the operator's environment.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadTerraformModule } from './hcl.ts';
import { repoRoot, requireTool, runTool } from './tools.ts';
import { scratchDir } from '../scratch.ts';

const tf = await loadTerraformModule();

/** What each Terraform expression in the output evaluates to in a dev apply. */
const applied: Record<string, unknown> = {
  'aws_ecr_repository.images["operator"].repository_url':
    '111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/operator',
  'module.eks.cluster_name': 'pet-store-dev',
  'var.aws_region': 'us-west-2',
  'aws_db_subnet_group.operator.name': 'pet-store-dev-databases',
  'aws_security_group.databases.id': 'sg-0123456789abcdef0',
  'local.rds_engine_major_version': '17',
  '(local.rds_engine_major_version)': '17',
  'aws_db_parameter_group.postgres.name': 'pet-store-dev-postgres17',
  'var.public_subnet_cidrs': ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24'],
  'var.private_subnet_cidrs': ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
  'var.owner': 'pets-team',
  'var.cost_center': 'cc-1234',
  'var.operator_service_account': 'petstore-operator',
  // The cost limits an administrator sets (the same variables feed the IAM deny statements in pod-identity.tf).
  'var.rds_allowed_instance_classes': ['db.t4g.micro', 'db.t4g.small'],
  'var.rds_max_allocated_storage': 100,
};

function evaluate(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('${')) {
    const expression = value.slice(2, -1);
    if (!(expression in applied)) throw new Error(`add a sample value for ${expression} to this test`);
    return applied[expression];
  }
  if (Array.isArray(value)) return value.map(evaluate);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [String(evaluate(key)), evaluate(item)]));
  return value;
}

/** The --set flags deploy.sh passes to the operator release, with the variables a dev deploy gives them. */
function deploySetFlags(): string[] {
  const script = readFileSync(path.join(repoRoot, 'scripts/deploy.sh'), 'utf8');
  const release = script.slice(script.indexOf('helm upgrade --install petstore-operator'));
  const flags = [...release.slice(0, release.indexOf('--wait')).matchAll(/--set "([^"]+)"/g)].map((match) => match[1]!);
  return flags.map((flag) =>
    flag
      .replaceAll('$image_tag', 'abc123')
      .replaceAll('$api_repository', '111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/api'),
  );
}

describe('values for charts/petstore-operator', () => {
  it('pass the chart schema and configure the operator for this environment', () => {
    const helm = requireTool('helm');
    const dir = scratchDir('operator-values-');
    const valuesFile = path.join(dir, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(evaluate(tf.output.operator_helm_values?.value)));
    const flags = deploySetFlags();
    expect(flags).toEqual([
      'image.tag=abc123',
      'petstoreDefaults.apiImage=111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/api:abc123',
    ]);
    const result = runTool(
      helm,
      [
        'template',
        'petstore-operator',
        'charts/petstore-operator',
        '--namespace',
        'petstore-system',
        '--kube-version',
        '1.36.0',
        '--values',
        valuesFile,
        ...flags.flatMap((flag) => ['--set', flag]),
      ],
      {
        env: { HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
      },
    );
    expect(result.status === 0 ? '' : result.output).toBe('');

    const documents = result.output.split(/^---$/m).map(
      (doc) =>
        parse(doc) as {
          kind?: string;
          metadata?: { name?: string };
          spec?: {
            template?: {
              spec?: {
                serviceAccountName?: string;
                containers?: { image: string; env?: { name: string; value?: string }[] }[];
              };
            };
          };
        } | null,
    );
    const deployment = documents.find((doc) => doc?.kind === 'Deployment');
    const podSpec = deployment?.spec?.template?.spec;
    const env = Object.fromEntries(
      (podSpec?.containers?.[0]?.env ?? []).map((variable) => [variable.name, variable.value]),
    );
    expect(podSpec?.containers?.[0]?.image).toBe(
      '111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/operator:abc123',
    );
    expect(env).toMatchObject({
      CLUSTER_NAME: 'pet-store-dev',
      RDS_DB_SUBNET_GROUP: 'pet-store-dev-databases',
      RDS_SECURITY_GROUP_IDS: 'sg-0123456789abcdef0',
      // The parameter group of rds.tf (rds.force_ssl=1, slow statements logged) for the version new databases run.
      RDS_ENGINE_VERSION: '17',
      RDS_DB_PARAMETER_GROUPS: '17=pet-store-dev-postgres17',
      AWS_REGION: 'us-west-2',
      PETSTORE_API_IMAGE: '111122223333.dkr.ecr.us-west-2.amazonaws.com/pet-store-dev/api:abc123',
      PETSTORE_ALLOWED_CIDRS: '10.0.101.0/24,10.0.102.0/24,10.0.103.0/24',
      PETSTORE_DATABASE_CIDRS: '10.0.1.0/24,10.0.2.0/24,10.0.3.0/24',
      RDS_ALLOWED_INSTANCE_CLASSES: 'db.t4g.micro,db.t4g.small',
      RDS_MAX_ALLOCATED_STORAGE: '100',
    });
    // The EKS Pod Identity association (infra-terraform/pod-identity.tf) names this ServiceAccount in this namespace.
    expect(podSpec?.serviceAccountName).toBe('petstore-operator');
    expect(tf.variable.operator_namespace?.default).toBe('petstore-system');
  });
});
