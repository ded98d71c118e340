// The seeds' infrastructure requirements, checked on infra-terraform's HCL as written (offline: no providers, no plan).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { infraDir, loadTerraformModule, loadTfvars, nested, parseHcl, type Block } from './hcl.ts';
import { repoRoot } from './tools.ts';

const tf = await loadTerraformModule();
const environments = {
  dev: await loadTfvars('dev'),
  staging: await loadTfvars('staging'),
  prod: await loadTfvars('prod'),
};
const variableDefault = (name: string): unknown => tf.variable[name]?.default;
const module = (name: string): Block => {
  const block = tf.module[name];
  if (!block) throw new Error(`module ${name} is not declared`);
  return block;
};

describe('VPC', () => {
  it('spans 10.0.0.0/16 with public 10.0.101-103.0/24 and private 10.0.1-3.0/24 subnets', () => {
    expect(variableDefault('vpc_cidr')).toBe('10.0.0.0/16');
    expect(variableDefault('public_subnet_cidrs')).toEqual(['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24']);
    expect(variableDefault('private_subnet_cidrs')).toEqual(['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']);
    expect(module('vpc')).toMatchObject({
      cidr: '${var.vpc_cidr}',
      public_subnets: '${var.public_subnet_cidrs}',
      private_subnets: '${var.private_subnet_cidrs}',
      azs: '${var.availability_zones}',
    });
  });

  it.each(Object.entries(environments))('%s uses three availability zones of its region', (_name, vars) => {
    const zones = vars.availability_zones as string[];
    expect(new Set(zones).size).toBe(3);
    for (const zone of zones) expect(zone.startsWith(vars.aws_region as string)).toBe(true);
  });

  it('tags the subnets for the load balancer controller: internet-facing ALBs public, internal ones private', () => {
    expect(module('vpc').public_subnet_tags).toEqual({ 'kubernetes.io/role/elb': '1' });
    expect(module('vpc').private_subnet_tags).toEqual({ 'kubernetes.io/role/internal-elb': '1' });
  });

  it('runs one NAT gateway in dev and one per availability zone in prod', () => {
    expect(module('vpc')).toMatchObject({
      enable_nat_gateway: true,
      single_nat_gateway: '${var.nat_gateway_mode == "single"}',
      one_nat_gateway_per_az: '${var.nat_gateway_mode == "one_per_az"}',
    });
    expect(environments.dev.nat_gateway_mode).toBe('single');
    expect(environments.staging.nat_gateway_mode).toBe('single');
    expect(environments.prod.nat_gateway_mode).toBe('one_per_az');
  });

  it('keeps VPC flow logs for the retention period', () => {
    expect(module('vpc_flow_log')).toMatchObject({
      vpc_id: '${module.vpc.vpc_id}',
      cloudwatch_log_group_retention_in_days: '${var.log_retention_days}',
    });
  });
});

describe('EKS', () => {
  const eks = module('eks');

  it('runs a Kubernetes version in standard support, set by a validated variable', () => {
    expect(eks.kubernetes_version).toBe('${var.kubernetes_version}');
    expect(eks.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    expect(variableDefault('kubernetes_version')).toBe('1.36');
    expect(tf.variable.kubernetes_version?.validation).toEqual([
      expect.objectContaining({ condition: '${contains(["1.35", "1.36"], var.kubernetes_version)}' }),
    ]);
    for (const vars of Object.values(environments)) expect(['1.35', '1.36']).toContain(vars.kubernetes_version);
  });

  it('has the seeds managed node group: t3.small, 2 to 5 nodes, in the private subnets', () => {
    expect(eks.eks_managed_node_groups).toEqual({
      default: expect.objectContaining({
        ami_type: 'AL2023_x86_64_STANDARD',
        instance_types: '${var.node_instance_types}',
        min_size: '${var.node_min_size}',
        max_size: '${var.node_max_size}',
        desired_size: '${var.node_desired_size}',
        subnet_ids: '${module.vpc.private_subnets}',
      }),
    });
    expect(variableDefault('node_instance_types')).toEqual(['t3.small']);
    for (const vars of Object.values(environments)) {
      expect(vars).toMatchObject({ node_instance_types: ['t3.small'], node_min_size: 2, node_max_size: 5 });
    }
  });

  it('grants access through access entries only', () => {
    expect(eks).toMatchObject({ authentication_mode: 'API', enable_cluster_creator_admin_permissions: false });
    expect(eks.access_entries).toContain('AmazonEKSClusterAdminPolicy');
    for (const vars of Object.values(environments))
      expect(Object.keys(vars.cluster_admin_principal_arns as object).length).toBeGreaterThan(0);
  });

  it('installs the Pod Identity agent and the CNI before the nodes, and uses no IRSA', () => {
    const addons = eks.addons as Record<string, Block>;
    expect(addons['eks-pod-identity-agent']).toEqual({ before_compute: true });
    expect(addons['vpc-cni']).toMatchObject({ before_compute: true });
    expect(Object.keys(addons)).toEqual(
      expect.arrayContaining(['coredns', 'kube-proxy', 'amazon-cloudwatch-observability']),
    );
    expect(eks.enable_irsa).toBe(false);
  });

  it('enforces NetworkPolicies: the VPC CNI runs its network policy node agent', () => {
    const vpcCni = (eks.addons as Record<string, Block>)['vpc-cni'];
    expect(vpcCni?.configuration_values).toBe('${jsonencode({ enableNetworkPolicy = "true" })}');
  });

  it('serves resource metrics (metrics-server add-on), which HorizontalPodAutoscalers and kubectl top read', () => {
    expect((eks.addons as Record<string, Block>)['metrics-server']).toEqual({});
  });

  it('states why it departs from the seeds: AL2023 nodes, Pod Identity, per-environment names', () => {
    expect(tf.files['eks.tf']).toContain('The seeds ask for Amazon Linux 2; EKS publishes no AL2 AMIs');
    expect(tf.files['eks.tf']).toContain("instead of the seeds' IRSA");
    expect(tf.files['main.tf']).toContain('The seeds name one cluster and one repository');
  });

  it('lets the control plane reach admission webhooks on 9443', () => {
    expect(eks.node_security_group_additional_rules).toEqual({
      ingress_cluster_9443_webhook: expect.objectContaining({
        type: 'ingress',
        protocol: 'tcp',
        from_port: 9443,
        to_port: 9443,
        source_cluster_security_group: true,
      }),
    });
  });

  it('encrypts Secrets and ships all five control-plane log types for the retention period', () => {
    expect(eks.encryption_config).toEqual({ resources: ['secrets'] });
    expect(eks.enabled_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    expect(eks.cloudwatch_log_group_retention_in_days).toBe('${var.log_retention_days}');
  });

  it('keeps the API endpoint private unless CIDRs are named, and never opens it to the world', () => {
    expect(eks.endpoint_public_access).toBe('${length(var.endpoint_public_access_cidrs) > 0}');
    expect(environments.prod.endpoint_public_access_cidrs).toEqual([]);
    expect(environments.staging.endpoint_public_access_cidrs).not.toEqual([]);
    for (const vars of Object.values(environments))
      expect(vars.endpoint_public_access_cidrs).not.toContain('0.0.0.0/0');
  });
});

describe('ECR', () => {
  const repositories = tf.resource.aws_ecr_repository?.images ?? {};

  it('has one repository per image built at the repository root (Dockerfile.operator, Dockerfile.api)', () => {
    expect(repositories.for_each).toBe('${toset(["operator", "api"])}');
  });

  it('scans on push, refuses to move tags and expires old images', () => {
    expect(nested(repositories, 'image_scanning_configuration')).toEqual({ scan_on_push: true });
    expect(repositories.image_tag_mutability).toBe('IMMUTABLE');
    expect(tf.resource.aws_ecr_lifecycle_policy?.images).toMatchObject({ for_each: '${aws_ecr_repository.images}' });
  });
});

describe('EKS Pod Identity roles', () => {
  it('gives the AWS Load Balancer Controller its official policy, bound to the chart service account', () => {
    expect(module('load_balancer_controller_pod_identity')).toMatchObject({
      attach_aws_lb_controller_policy: true,
      associations: {
        this: { namespace: 'kube-system', service_account: '${local.load_balancer_controller_service_account}' },
      },
    });
  });

  it('gives the operator the policy in operator/iam/aws-policy.json by reference, never a copy', () => {
    expect(module('operator_pod_identity')).toMatchObject({
      attach_custom_policy: true,
      source_policy_documents: '${concat([local.operator_policy], local.operator_limit_policies)}',
      associations: {
        this: { namespace: '${var.operator_namespace}', service_account: '${var.operator_service_account}' },
      },
    });
    expect(tf.files['pod-identity.tf']).toContain('file("${path.module}/../operator/iam/aws-policy.json")');
    for (const [file, text] of Object.entries(tf.files))
      expect([file, text.includes('rds:CreateDBInstance')]).toEqual([file, false]);
  });

  it('mirrors the administrator’s cost limits in IAM and in the chart values, from the same variables', () => {
    const podIdentity = tf.files['pod-identity.tf'] ?? '';
    expect(podIdentity).toContain('file("${path.module}/../operator/iam/aws-policy-instance-classes.json")');
    expect(podIdentity).toContain('jsonencode(var.rds_allowed_instance_classes)');
    expect(podIdentity).toContain('file("${path.module}/../operator/iam/aws-policy-max-storage.json")');
    expect(podIdentity).toContain('tostring(var.rds_max_allocated_storage)');
    const outputs = tf.files['outputs.tf'] ?? '';
    expect(outputs).toMatch(/allowedInstanceClasses\s*=\s*var\.rds_allowed_instance_classes/);
    expect(outputs).toMatch(/maxAllocatedStorage\s*=\s*var\.rds_max_allocated_storage/);
    expect(variableDefault('rds_allowed_instance_classes')).toEqual([]);
    expect(variableDefault('rds_max_allocated_storage')).toBe(0);
  });

  it('lets the cluster autoscaler scale only this cluster', () => {
    expect(module('cluster_autoscaler_pod_identity')).toMatchObject({
      attach_cluster_autoscaler_policy: true,
      cluster_autoscaler_cluster_names: ['${module.eks.cluster_name}'],
    });
  });
});

describe('RDS networking for operator-created databases', () => {
  it('places databases in the private subnets', () => {
    expect(tf.resource.aws_db_subnet_group?.operator?.subnet_ids).toBe('${module.vpc.private_subnets}');
  });

  it('admits PostgreSQL only from the cluster nodes and opens nothing else', () => {
    const database = tf.resource.aws_security_group?.databases ?? {};
    expect(database.ingress).toBeUndefined();
    expect(database.egress).toBeUndefined();
    const rules = Object.values(tf.resource.aws_vpc_security_group_ingress_rule ?? {});
    expect(rules).toEqual([
      expect.objectContaining({
        referenced_security_group_id: '${module.eks.node_security_group_id}',
        from_port: 5432,
        to_port: 5432,
        ip_protocol: 'tcp',
      }),
    ]);
    expect(tf.resource.aws_vpc_security_group_egress_rule).toBeUndefined();
  });

  it('requires TLS from every client', () => {
    expect(tf.resource.aws_db_parameter_group?.postgres?.parameter).toContainEqual({
      name: 'rds.force_ssl',
      value: '1',
    });
  });

  it('names what it creates pet-store-*, the only names the operator policy may use', () => {
    for (const resource of [tf.resource.aws_db_subnet_group?.operator, tf.resource.aws_db_parameter_group?.postgres]) {
      expect(String(resource?.name)).toMatch(/^\$\{local\.name\}-/);
    }
    expect(tf.locals.name).toBe('pet-store-${var.environment}');
  });
});

describe('logs', () => {
  it('keeps every log group 30 days', () => {
    expect(variableDefault('log_retention_days')).toBe(30);
    const groups = Object.values(tf.resource.aws_cloudwatch_log_group ?? {});
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.retention_in_days).toBe('${var.log_retention_days}');
  });

  it('pre-creates the Container Insights groups Fluent Bit writes to', () => {
    expect(tf.resource.aws_cloudwatch_log_group?.container_insights).toMatchObject({
      for_each: '${toset(["application", "dataplane", "host", "performance"])}',
      name: '/aws/containerinsights/${local.name}/${each.key}',
    });
  });
});

describe('required tags', () => {
  // Resource types the AWS API cannot tag.
  const untaggable = new Set(['aws_ecr_lifecycle_policy', 'aws_kms_alias']);

  it('are Environment, Application=pet-store, Owner and Cost-Center, on the provider as default tags', () => {
    expect(tf.locals.required_tags).toEqual({
      Environment: '${local.environment_tag}',
      Application: 'pet-store',
      Owner: '${var.owner}',
      'Cost-Center': '${var.cost_center}',
    });
    expect(nested(tf.provider.aws ?? {}, 'default_tags')).toEqual({ tags: '${local.required_tags}' });
  });

  it('are also set on every taggable resource and passed to every module (for what AWS launches on their behalf)', () => {
    const untagged: string[] = [];
    for (const [type, byName] of Object.entries(tf.resource)) {
      for (const [name, resource] of Object.entries(byName)) {
        if (!untaggable.has(type) && !String(resource.tags).includes('local.required_tags'))
          untagged.push(`${type}.${name}`);
      }
    }
    for (const [name, block] of Object.entries(tf.module))
      if (block.tags !== '${local.required_tags}') untagged.push(`module.${name}`);
    expect(untagged).toEqual([]);
  });

  it.each(Object.entries(environments))('%s sets an owner and a cost center', (_name, vars) => {
    expect(vars.owner).toEqual(expect.any(String));
    expect(vars.cost_center).toEqual(expect.any(String));
  });
});

describe('conventions', () => {
  it('pins every registry module to an exact version', () => {
    for (const [name, block] of Object.entries(tf.module))
      expect([name, block.version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
  });

  it('types, documents and validates its variables', () => {
    const mustValidate = [
      'environment',
      'aws_account_id',
      'availability_zones',
      'nat_gateway_mode',
      'kubernetes_version',
      'node_min_size',
      'node_max_size',
      'cluster_admin_principal_arns',
    ];
    for (const [name, variable] of Object.entries(tf.variable)) {
      expect([name, typeof variable.type, typeof variable.description]).toEqual([name, 'string', 'string']);
    }
    for (const name of mustValidate) expect([name, Array.isArray(tf.variable[name]?.validation)]).toEqual([name, true]);
  });

  it('has a tfvars file for every environment the variable accepts, and the variable accepts every tfvars file', () => {
    expect(tf.variable.environment?.validation).toEqual([
      expect.objectContaining({ condition: '${contains(["dev", "staging", "prod"], var.environment)}' }),
    ]);
    for (const [name, vars] of Object.entries(environments)) expect([name, vars.environment]).toEqual([name, name]);
    // ...and each has the seeds' Environment tag value.
    for (const line of ['dev     = "development"', 'staging = "staging"', 'prod    = "production"'])
      expect(tf.locals.environment_tag).toContain(line);
  });

  it('refuses to run against another AWS account than the environment names', () => {
    expect(tf.provider.aws?.allowed_account_ids).toEqual(['${var.aws_account_id}']);
    for (const vars of Object.values(environments)) expect(vars.aws_account_id).toMatch(/^\d{12}$/);
  });

  it('has an output for every terraform output the deploy and cleanup scripts read', () => {
    const scripts = ['scripts/deploy.sh', 'scripts/cleanup.sh']
      .map((file) => readFileSync(path.join(repoRoot, file), 'utf8'))
      .join('\n');
    const names = [...scripts.matchAll(/(?:tf_output(?:_json)?|output -raw) ([a-z_]+)/g)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(5);
    for (const name of new Set(names)) expect([name, name! in tf.output]).toEqual([name, true]);
  });

  it('gives each chart the service account its Pod Identity association names', () => {
    const lbc = tf.output.load_balancer_controller_helm_values?.value as Block;
    expect(lbc.serviceAccount).toEqual({ create: true, name: '${local.load_balancer_controller_service_account}' });
    const autoscaler = tf.output.cluster_autoscaler_helm_values?.value as Block;
    expect(autoscaler).toMatchObject({
      rbac: { serviceAccount: { name: '${local.cluster_autoscaler_service_account}' } },
    });
    expect(autoscaler.extraArgs).toMatchObject({ 'scale-down-utilization-threshold': '0.4' });
    const operator = tf.output.operator_helm_values?.value as Block;
    expect(operator.serviceAccount).toMatchObject({ name: '${var.operator_service_account}' });
    expect(operator.clusterName).toBe('${module.eks.cluster_name}');
  });

  it('has terraform test files that parse (they run in CI, where providers download)', async () => {
    const file = path.join(infraDir, 'tests', 'plan.tftest.hcl');
    const parsed = await parseHcl('plan.tftest.hcl', readFileSync(file, 'utf8'));
    expect(Object.keys(parsed.run as object).length).toBeGreaterThan(3);
  });
});
