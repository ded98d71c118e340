import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import { buildConfigMap } from '../builders/config-map.ts';
import { buildDeployment, deploymentReplicas, replicaHandOver } from '../builders/deployment.ts';
import { buildHorizontalPodAutoscaler, wantsHorizontalPodAutoscaler } from '../builders/horizontal-pod-autoscaler.ts';
import { buildIngress, wantsIngress } from '../builders/ingress.ts';
import { childNames, sharedNames } from '../builders/metadata.ts';
import { buildMigrationJob, migrationJobName, migrationLabel, wantsMigrationJob } from '../builders/migration-job.ts';
import { buildNetworkPolicy, wantsNetworkPolicy } from '../builders/network-policy.ts';
import { buildPodDisruptionBudget, wantsPodDisruptionBudget } from '../builders/pod-disruption-budget.ts';
import { buildDashboardConfigMap, dashboardName } from '../builders/monitoring/grafana-dashboard.ts';
import { buildPrometheusRule, prometheusRuleName } from '../builders/monitoring/prometheus-rule.ts';
import { buildServiceMonitor, serviceMonitorName } from '../builders/monitoring/service-monitor.ts';
import { wantsMonitoring } from '../builders/monitoring/wants-monitoring.ts';
import { buildLimitRange, buildResourceQuota, wantsNamespaceQuota } from '../builders/resource-quota.ts';
import { apiKeysSecretName, buildApiKeysSecret } from '../builders/api-keys.ts';
import { buildSecret } from '../builders/secret.ts';
import { buildService } from '../builders/service.ts';
import { buildServiceAccount } from '../builders/service-account.ts';
import { kinds } from '../k8s/kinds.ts';
import type { ChildDependent, Dependent, ExternalDependent, Readiness, SharedDependent } from './dependent.ts';
import { waitFor } from './dependent.ts';

/**
 * What a PetStore creates, when, and in what order: the whole workflow, read top to bottom. Each entry says its kind,
 * its name, its precondition (`when`), its pure builder (`desired`), how it is written (`policy`), when it counts as
 * ready (`ready`) and what must come first (`dependsOn`). Everything else derives from this list: the watched and
 * owned kinds, the RBAC rules (scripts/generate.ts writes the chart's and config/'s copies), the tests' kinds.
 *
 * Adding a child: a builder in builders/ with its table test, one entry here, `node scripts/generate.ts`.
 */
export const dependents: readonly Dependent[] = [
  // Namespace-wide quota objects, summed over every PetStore of the namespace (a quota is namespace-wide). They need
  // nothing else, so they come first: a PetStore waiting for its database is already counted.
  {
    id: 'resourceQuota',
    policy: 'shared',
    dependsOn: [],
    kind: kinds.ResourceQuota,
    name: sharedNames.resourceQuota,
    when: wantsNamespaceQuota,
    desired: buildResourceQuota,
  } satisfies SharedDependent,
  {
    id: 'limitRange',
    policy: 'shared',
    dependsOn: [],
    kind: kinds.LimitRange,
    name: sharedNames.limitRange,
    when: wantsNamespaceQuota,
    desired: buildLimitRange,
  } satisfies SharedDependent,
  {
    // The database: every child below needs its connection (the Secret, the pods), so they wait for it.
    id: 'database',
    policy: 'external',
    dependsOn: [],
    engine: (spec, engines) => engines[spec.database.engine],
  } satisfies ExternalDependent,
  // What the pods (and the migration Job's pod) mount and run as, and the network they live in, before any pod exists.
  child({
    id: 'serviceAccount',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.ServiceAccount,
    name: (i) => childNames(i.petStore).serviceAccount,
    desired: buildServiceAccount,
  }),
  child({
    id: 'configMap',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.ConfigMap,
    name: (i) => childNames(i.petStore).configMap,
    desired: buildConfigMap,
  }),
  child({
    id: 'secret',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.Secret,
    name: (i) => childNames(i.petStore).secret,
    desired: buildSecret,
  }),
  // The API keys, generated once and then the user's to add to or rotate (never overwritten, never in status).
  child({
    id: 'apiKeys',
    policy: 'create-only',
    dependsOn: ['database'],
    kind: kinds.Secret,
    name: (i) => apiKeysSecretName(i.petStore),
    desired: buildApiKeysSecret,
  }),
  child({
    id: 'networkPolicy',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.NetworkPolicy,
    name: (i) => childNames(i.petStore).networkPolicy,
    when: wantsNetworkPolicy,
    desired: buildNetworkPolicy,
  }),
  child({
    id: 'service',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.Service,
    name: (i) => childNames(i.petStore).service,
    desired: buildService,
  }),
  // The gate: one Job per image migrates the database; its success releases that image to the Deployment.
  child<V1Job>({
    id: 'migration',
    policy: 'create-only',
    dependsOn: ['serviceAccount', 'configMap', 'secret', 'networkPolicy'],
    kind: kinds.Job,
    name: (i) => migrationJobName(i.petStore, i.spec.image, i.connection),
    when: wantsMigrationJob,
    desired: buildMigrationJob,
    ready: migrationReadiness,
    generationLabel: migrationLabel,
  }),
  child<V1Deployment>({
    id: 'deployment',
    policy: 'apply',
    dependsOn: ['serviceAccount', 'configMap', 'secret', 'apiKeys', 'networkPolicy', 'migration'],
    kind: kinds.Deployment,
    name: (i) => childNames(i.petStore).deployment,
    // The image the migration released; until then the pods keep the image they run (or none are created yet).
    desired: (inputs, upstream) => {
      const migration = upstream.observation('migration').phase;
      const released = migration === 'Ready' || migration === 'NotWanted';
      const current = upstream.live?.spec?.template.spec?.containers[0]?.image;
      const image = released ? inputs.spec.image : current;
      if (image === undefined) return waitFor(`the migration Job for ${inputs.spec.image} to succeed`);
      const deployment = buildDeployment({ ...inputs, spec: { ...inputs.spec, image } });
      const replicas = deploymentReplicas(inputs.spec, upstream.live?.spec?.replicas);
      if (deployment.spec) {
        if (replicas === undefined) delete deployment.spec.replicas;
        else deployment.spec.replicas = replicas;
      }
      return deployment;
    },
    // Under an autoscaler the operator stops setting replicas: the count stays until the autoscaler takes it.
    handOver: (inputs, desired, live) => replicaHandOver(inputs.spec, desired, live),
  }),
  child({
    id: 'horizontalPodAutoscaler',
    policy: 'apply',
    dependsOn: ['deployment'],
    kind: kinds.HorizontalPodAutoscaler,
    name: (i) => childNames(i.petStore).horizontalPodAutoscaler,
    when: wantsHorizontalPodAutoscaler,
    desired: buildHorizontalPodAutoscaler,
  }),
  child({
    id: 'podDisruptionBudget',
    policy: 'apply',
    dependsOn: ['deployment'],
    kind: kinds.PodDisruptionBudget,
    name: (i) => childNames(i.petStore).podDisruptionBudget,
    when: wantsPodDisruptionBudget,
    desired: buildPodDisruptionBudget,
  }),
  child({
    id: 'ingress',
    policy: 'apply',
    dependsOn: ['service', 'deployment'],
    kind: kinds.Ingress,
    name: (i) => childNames(i.petStore).ingress,
    when: wantsIngress,
    desired: buildIngress,
  }),
  // Monitoring, where the cluster serves the Prometheus Operator's kinds: scrape, alerts, dashboard.
  child({
    id: 'serviceMonitor',
    policy: 'apply',
    dependsOn: ['service'],
    kind: kinds.ServiceMonitor,
    name: (i) => serviceMonitorName(i.petStore),
    when: wantsMonitoring,
    desired: buildServiceMonitor,
  }),
  child({
    id: 'prometheusRule',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.PrometheusRule,
    name: (i) => prometheusRuleName(i.petStore),
    when: wantsMonitoring,
    desired: buildPrometheusRule,
  }),
  child({
    id: 'dashboard',
    policy: 'apply',
    dependsOn: ['database'],
    kind: kinds.ConfigMap,
    name: (i) => dashboardName(i.petStore),
    when: wantsMonitoring,
    desired: buildDashboardConfigMap,
  }),
];

/** Type-checks an entry against its object type, then widens it for the list. */
function child<T extends import('@kubernetes/client-node').KubernetesObject>(
  dependent: ChildDependent<T>,
): ChildDependent {
  return dependent as unknown as ChildDependent;
}

/** A migration Job is ready when it completed; failed when it failed (the Deployment then stays on its image). */
function migrationReadiness(job: V1Job): Readiness {
  const finished = job.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  const name = job.metadata?.name ?? '';
  const image = job.metadata?.annotations?.['petstore.example.com/image'] ?? '';
  if (finished?.type === 'Complete') return { ready: true, message: `migrated for ${image}` };
  if (finished?.type === 'Failed') {
    return {
      ready: false,
      failed: true,
      message: `migration Job ${name} for ${image} failed (${finished.reason ?? 'Failed'}); see \`kubectl logs job/${name}\`, then fix the image or the database; a transient failure (database not reachable yet): \`kubectl delete job/${name}\` and the operator runs it again`,
    };
  }
  return { ready: false, message: `migration Job ${name} is running for ${image}` };
}
