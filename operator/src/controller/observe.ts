import type { V1Deployment } from '@kubernetes/client-node';
import { ConditionType, type Condition, type PetStore, type PetStoreStatus } from '../api/v1alpha1/petstore.ts';
import { childNames, selectorLabels } from '../builders/metadata.ts';
import { serviceUrl } from '../builders/ingress.ts';
import type { DatabaseState } from '../database/engine.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';
import type { ReconcileProblem } from './error-policy.ts';
import { monitoringStatus } from './monitoring-status.ts';
import type { RollbackDecision } from './rollout/rollback-decision.ts';
import { replicaFailure, type WorkloadProblem } from './rollout/workload-problems.ts';

/** Where the schema migration for the wanted image stands (the migration dependent's phase). */
export interface MigrationState {
  state: 'NotNeeded' | 'Running' | 'Succeeded' | 'Failed';
  message: string;
}

export interface Observation {
  petStore: PetStore;
  spec?: ResolvedSpec;
  database?: DatabaseState;
  deployment?: V1Deployment;
  migration?: MigrationState;
  problem?: ReconcileProblem;
  /** What automatic rollback decided about the release the Deployment runs (controller/rollout). */
  release?: RollbackDecision;
  /** What is wrong with the API pods while a rollout is not complete (image pulls, crash loops; read on demand). */
  pods?: WorkloadProblem;
  now: Date;
}

interface Verdict {
  ready: boolean;
  reason: string;
  message: string;
  /** The kstatus Reconciling condition: the operator or the rollout is still moving towards the spec. */
  reconciling: boolean;
  degraded: boolean;
  stalled: boolean;
}

/**
 * The ordered chain of checks behind Ready: the first that fails is what users see. Pure; the status is computed from
 * what was observed in this pass, never accumulated.
 */
function verdict(observation: Observation): Verdict {
  const { problem, database, deployment, migration } = observation;
  if (problem?.kind === 'permanent') {
    return {
      ready: false,
      reason: problem.reason,
      message: problem.message,
      reconciling: false,
      degraded: true,
      stalled: true,
    };
  }
  if (problem) {
    return {
      ready: false,
      reason: problem.reason,
      message: problem.message,
      reconciling: true,
      degraded: true,
      stalled: false,
    };
  }
  if (database?.stalled) {
    return {
      ready: false,
      reason: `Database${database.reason}`,
      message: database.message,
      reconciling: false,
      degraded: true,
      stalled: true,
    };
  }
  if (database && !database.ready) {
    return {
      ready: false,
      reason: `Database${database.reason}`,
      message: database.message,
      reconciling: true,
      degraded: false,
      stalled: false,
    };
  }
  if (migration?.state === 'Failed') {
    return {
      ready: false,
      reason: 'MigrationFailed',
      message: migration.message,
      reconciling: false,
      degraded: true,
      stalled: true,
    };
  }
  if (migration?.state === 'Running') {
    return {
      ready: false,
      reason: 'MigrationRunning',
      message: migration.message,
      reconciling: true,
      degraded: false,
      stalled: false,
    };
  }
  const rollout = rolloutState(deployment);
  const { release } = observation;
  if (release?.action === 'rollback') {
    // The PetStore serves its last healthy release (Ready once that is back), and waits for a spec change.
    return {
      ready: rollout.complete,
      reason: release.reason,
      message: release.message,
      reconciling: !rollout.complete,
      degraded: true,
      stalled: rollout.complete,
    };
  }
  if (release?.action === 'hold') {
    return {
      ready: false,
      reason: release.reason,
      message: release.message,
      reconciling: false,
      degraded: true,
      stalled: true,
    };
  }
  if (rollout.failed) {
    return {
      ready: false,
      reason: 'ProgressDeadlineExceeded',
      message: rollout.message,
      reconciling: false,
      degraded: true,
      stalled: true,
    };
  }
  // Pods that cannot be created say why (quota, admission, a missing ServiceAccount) rather than "0 of 1 updated".
  const cannotCreate = rollout.complete ? undefined : replicaFailure(deployment);
  if (cannotCreate) {
    return {
      ready: false,
      reason: cannotCreate.reason,
      message: cannotCreate.message,
      reconciling: true,
      degraded: true,
      stalled: false,
    };
  }
  // Pods that exist but cannot run say why (an image that cannot be pulled, a crash loop) before the rollout timeout.
  const cannotRun = rollout.complete ? undefined : observation.pods;
  if (cannotRun) {
    return {
      ready: false,
      reason: cannotRun.reason,
      message: cannotRun.message,
      reconciling: true,
      degraded: true,
      stalled: false,
    };
  }
  if (!rollout.complete) {
    return {
      ready: false,
      reason: 'RollingOut',
      message: rollout.message,
      reconciling: true,
      degraded: false,
      stalled: false,
    };
  }
  return {
    ready: true,
    reason: 'Available',
    message: rollout.message,
    reconciling: false,
    degraded: false,
    stalled: false,
  };
}

/** The same test `kubectl rollout status` makes, plus the Deployment's own progress deadline. */
export function rolloutState(deployment: V1Deployment | undefined): {
  complete: boolean;
  failed: boolean;
  message: string;
} {
  if (!deployment) return { complete: false, failed: false, message: 'waiting for the Deployment to be created' };
  const status = deployment.status ?? {};
  const generation = deployment.metadata?.generation ?? 0;
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      complete: false,
      failed: true,
      message: `Deployment exceeded its progress deadline: ${progressing.message ?? ''}`.trim(),
    };
  }
  if ((status.observedGeneration ?? 0) < generation)
    return { complete: false, failed: false, message: 'waiting for the Deployment controller to observe the new spec' };
  if (updated < desired) return { complete: false, failed: false, message: `${updated} of ${desired} pods updated` };
  if (total > updated) return { complete: false, failed: false, message: `${total - updated} old pods terminating` };
  if (available < updated)
    return { complete: false, failed: false, message: `${available} of ${updated} updated pods available` };
  return { complete: true, failed: false, message: `${available} of ${desired} pods available` };
}

/** The PetStore's status for this observation; lastTransitionTime is kept from `previous` where a status did not flip. */
export function computeStatus(observation: Observation): PetStoreStatus {
  const { petStore, spec, database, deployment, now } = observation;
  const generation = petStore.metadata.generation ?? 0;
  const v = verdict(observation);
  const previous = petStore.status?.conditions ?? [];
  const condition = (type: ConditionType, status: boolean, reason: string, message: string): Condition => {
    const value = status ? 'True' : 'False';
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status: value,
      observedGeneration: generation,
      lastTransitionTime: before?.status === value ? before.lastTransitionTime : now.toISOString(),
      reason,
      message,
    };
  };
  const conditions: Condition[] = [
    condition(ConditionType.Ready, v.ready, v.reason, v.message),
    condition(
      ConditionType.Reconciling,
      v.reconciling,
      v.reconciling ? v.reason : 'Reconciled',
      v.reconciling ? v.message : '',
    ),
    condition(ConditionType.Degraded, v.degraded, v.degraded ? v.reason : 'AsExpected', v.degraded ? v.message : ''),
    condition(ConditionType.Stalled, v.stalled, v.stalled ? v.reason : 'NotStalled', v.stalled ? v.message : ''),
  ];
  if (database) {
    conditions.push(condition(ConditionType.DatabaseReady, database.ready, database.reason, database.message));
  }
  const replicas = deployment?.status?.replicas ?? 0;
  const readyReplicas = deployment?.status?.readyReplicas ?? 0;
  const selector = Object.entries(selectorLabels(petStore))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return {
    observedGeneration: generation,
    conditions,
    replicas,
    readyReplicas,
    replicasSummary: `${readyReplicas}/${replicas}`,
    selector,
    ...(spec ? { url: serviceUrl(petStore, spec) } : {}),
    ...(observation.release ? { release: observation.release.status } : {}),
    ...(spec ? { monitoring: monitoringStatus(spec.monitoring, spec.monitoring.served) } : {}),
    ...(spec
      ? {
          database: {
            engine: spec.database.engine,
            ...(database?.endpoint ? { endpoint: database.endpoint } : {}),
            ...(database?.instanceIdentifier ? { instanceIdentifier: database.instanceIdentifier } : {}),
            ...(database?.restoredFrom ? { restoredFrom: database.restoredFrom } : {}),
            secretName: childNames(petStore).secret,
          },
        }
      : {}),
  };
}
