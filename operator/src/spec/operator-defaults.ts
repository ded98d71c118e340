/** Operator-wide defaults for what a PetStore leaves unset (set by flags, environment or Helm values). */
export interface OperatorDefaults {
  /** API image when spec.image is unset. */
  apiImage: string;
  /** Networks allowed to reach the API when spec.networkPolicy.allowedCIDRs is unset (the load balancer subnets). */
  allowedCIDRs: string[];
  /** Networks the pods may reach on 5432 when spec.networkPolicy.databaseCIDRs is unset. */
  databaseCIDRs: string[];
  /** Namespaces whose pods may scrape the API's /metrics on 8080 (Prometheus), through the NetworkPolicy. */
  metricsNamespaces: string[];
  /** IngressClass when spec.ingress.className is unset. */
  ingressClassName: string;
  /** Owner and Cost-Center tags when spec.tags leaves them unset. */
  owner: string;
  costCenter: string;
  /** Where docs/runbook.md is published; the PetStore alerts' runbook_url links point at its sections. */
  runbookUrl: string;
  /** Whether the cluster serves the Prometheus Operator's kinds; set from discovery when the operator starts. */
  monitoringServed?: boolean;
}

export const builtinDefaults: OperatorDefaults = {
  apiImage: 'petstore-api:0.1.0',
  // The public subnets of infra-terraform's VPC, where the ALB's nodes live.
  allowedCIDRs: ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24'],
  // The private subnets, where the RDS subnet group places databases.
  databaseCIDRs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
  metricsNamespaces: ['monitoring'],
  ingressClassName: 'alb',
  owner: 'unassigned',
  costCenter: 'unassigned',
  runbookUrl: 'https://github.com/example/petstore-operator/blob/main/docs/runbook.md',
};
