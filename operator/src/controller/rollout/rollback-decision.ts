// The automatic-rollback decision (spec.rollout): pure, from what the reconcile observed. The reconcile executes it
// by giving the Deployment the chosen release's image, and writes `status` as the PetStore's status.release.
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { configChecksumAnnotation } from '../../builders/deployment.ts';
import { formatDuration } from '../../runtime/duration.ts';
import { rolloutState } from '../observe.ts';
import type { ResolvedRollout } from '../../spec/resolved-monitoring.ts';
import { workloadProblem } from './workload-problems.ts';

/** A release of the API pods: what a pod template runs. */
export interface Release {
  image: string;
  configChecksum: string;
  /** The PetStore generation that asked for it. */
  generation?: number;
  /** When the Deployment started running it (RFC 3339). */
  since?: string;
}

export interface RolledBack {
  image: string;
  generation: number;
  reason: string;
  message: string;
  at: string;
}

/** status.release of a PetStore. */
export interface ReleaseStatus {
  current?: Release;
  lastHealthy?: Release;
  rolledBack?: RolledBack;
}

export interface RollbackInputs {
  /** The PetStore's metadata.generation. */
  generation: number;
  /** The release the spec asks for. */
  desired: { image: string; configChecksum: string };
  rollout: ResolvedRollout;
  /** The PetStore's status.release as last written. */
  previous: ReleaseStatus | undefined;
  deployment: V1Deployment | undefined;
  /** The Deployment's ReplicaSets (owned by it). */
  replicaSets: readonly V1ReplicaSet[];
  /** The PetStore's pods. */
  pods: readonly V1Pod[];
  now: Date;
}

export type RollbackDecision =
  /** Run the desired release (rolling out, healthy, or nothing to decide yet). */
  | { action: 'keep'; status: ReleaseStatus }
  /** Run `release` (the last healthy one) instead of the desired one; `event` is set on the pass that decided it. */
  | {
      action: 'rollback';
      release: Release;
      status: ReleaseStatus;
      reason: 'RolledBack';
      message: string;
      event?: string;
    }
  /** The desired release failed and stays: nothing safe to go back to, or automatic rollback is off. */
  | { action: 'hold'; status: ReleaseStatus; reason: 'RolloutFailed'; message: string };

/**
 * Decides whether the PetStore keeps its desired release or goes back to the last healthy one. A release fails when
 * the Deployment exceeds its progress deadline or is not healthy `rollout.timeoutSeconds` after it started. It never
 * loops: once rolled back, a generation stays rolled back, and only a new generation (a spec change) rolls forward.
 */
export function decideRollback(inputs: RollbackInputs): RollbackDecision {
  const { generation, desired, previous, deployment, now } = inputs;
  const lastHealthy = previous?.lastHealthy;

  if (previous?.rolledBack && previous.rolledBack.generation === generation && lastHealthy) {
    const target = verifiedTarget(lastHealthy, inputs.replicaSets);
    if (target) {
      return {
        action: 'rollback',
        release: lastHealthy,
        status: previous,
        reason: 'RolledBack',
        message: previous.rolledBack.message,
      };
    }
  }

  const runsDesired =
    deployment !== undefined &&
    templateRelease(deployment)?.image === desired.image &&
    templateRelease(deployment)?.configChecksum === desired.configChecksum;
  const sameAsCurrent =
    previous?.current?.image === desired.image && previous.current.configChecksum === desired.configChecksum;
  // The clock of a release starts when the Deployment runs it (a migration may hold it back before that).
  const since =
    sameAsCurrent && previous.current?.since ? previous.current.since : runsDesired ? now.toISOString() : undefined;
  const current: Release = { ...desired, generation, ...(since ? { since } : {}) };
  const base: ReleaseStatus = { current, ...(lastHealthy ? { lastHealthy } : {}) };
  if (!runsDesired) return { action: 'keep', status: base };

  const state = rolloutState(deployment);
  if (state.complete) return { action: 'keep', status: { current, lastHealthy: current } };
  // A progress deadline reported before the Deployment controller saw the new template belongs to the old one.
  const observed = (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const deadlineExceeded = state.failed && observed;

  const elapsedSeconds = since ? (now.getTime() - Date.parse(since)) / 1000 : 0;
  const timedOut = elapsedSeconds >= inputs.rollout.timeoutSeconds;
  if (!deadlineExceeded && !timedOut) return { action: 'keep', status: base };

  const problem = workloadProblem(deployment, inputs.pods);
  const why = deadlineExceeded
    ? { reason: 'ProgressDeadlineExceeded', detail: state.message }
    : {
        reason: problem?.reason ?? 'Timeout',
        detail:
          `not healthy ${formatDuration(inputs.rollout.timeoutSeconds * 1000)} after it started` +
          `: ${problem?.message ?? state.message}`,
      };
  const failed = `release ${desired.image} failed (${why.reason}): ${why.detail}`;
  const hold = (because: string): RollbackDecision => ({
    action: 'hold',
    status: base,
    reason: 'RolloutFailed',
    message: `${failed}; ${because}`,
  });
  if (!inputs.rollout.automaticRollback) return hold('automatic rollback is off (spec.rollout.automaticRollback)');
  if (!lastHealthy)
    return hold('no earlier release of this PetStore became healthy, so there is nothing to roll back to');
  if (lastHealthy.image === desired.image && lastHealthy.configChecksum === desired.configChecksum)
    return hold('it is the last healthy release itself');
  if (lastHealthy.configChecksum !== desired.configChecksum) {
    return hold(
      'the release changed configuration or credentials, which the earlier pod template cannot bring back; ' +
        'fix the spec (or the database) to roll forward',
    );
  }
  if (!verifiedTarget(lastHealthy, inputs.replicaSets)) {
    return hold(`the last healthy release ${lastHealthy.image} is no longer among the Deployment's ReplicaSets`);
  }
  const message = `${failed}; rolled back to ${lastHealthy.image}, the last healthy release; change the spec to roll forward`;
  return {
    action: 'rollback',
    release: lastHealthy,
    status: {
      current,
      lastHealthy,
      rolledBack: { image: desired.image, generation, reason: why.reason, message, at: now.toISOString() },
    },
    reason: 'RolledBack',
    message,
    event: message,
  };
}

/** The image and config checksum a Deployment's (or ReplicaSet's) pod template runs. */
export function templateRelease(
  workload: V1Deployment | V1ReplicaSet,
): { image: string; configChecksum: string } | undefined {
  const template = workload.spec?.template;
  const image = template?.spec?.containers.find((c) => c.name === 'api')?.image;
  if (!image) return undefined;
  return { image, configChecksum: template.metadata?.annotations?.[configChecksumAnnotation] ?? '' };
}

/**
 * Goes back only to a release a ReplicaSet of this Deployment really ran: status is not trusted alone, so a forged or
 * stale status.release cannot make the operator run an image the PetStore never ran.
 */
function verifiedTarget(release: Release, replicaSets: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  return replicaSets.find((rs) => {
    const ran = templateRelease(rs);
    return ran?.image === release.image && ran.configChecksum === release.configChecksum;
  });
}
