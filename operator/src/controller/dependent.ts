import type { KubernetesObject } from '@kubernetes/client-node';
import type { DatabaseEngine, DatabaseState } from '../database/engine.ts';
import type { ResourceKind } from '../k8s/kinds.ts';
import type { DatabaseConnection } from '../spec/database-connection.ts';
import type { BuildInputs, NamespaceInputs } from '../spec/build-inputs.ts';
import type { ResolvedSpec } from '../spec/resolved-spec.ts';

/**
 * How the operator writes a child:
 * - `apply`: server-side apply whenever the live object differs from the desired one (drift is repaired); pruned
 *   when its precondition turns false;
 * - `create-only`: created when absent, never updated (a Job's pod template is immutable, and a migration runs once);
 *   earlier generations carrying the same label are pruned once the current one is ready;
 * - `shared`: one object per namespace computed from every PetStore there, without owner references;
 * - `external`: something outside the cluster (the database), resolved by an engine and cleaned up by its finalize.
 */
export type Policy = 'apply' | 'create-only' | 'shared' | 'external';

/** A readyPostcondition's verdict. `failed`: it will not become ready without a change (a failed migration). */
export interface Readiness {
  ready: boolean;
  failed?: boolean;
  message: string;
}

/** Where a dependent stands after a pass: what status and later dependents see. */
export type Phase =
  /** Its precondition is false: it must not exist (and does not, after this pass). */
  | 'NotWanted'
  /** Applied or found as desired, and its readyPostcondition holds. */
  | 'Ready'
  /** Applied or found, not ready yet. */
  | 'Pending'
  /** Applied or found, and its readyPostcondition says it failed. */
  | 'Failed'
  /** Could not be built yet (a dependency gives no input yet, such as a migration that has not released an image). */
  | 'Waiting'
  /** Left untouched because something it depends on is Waiting or Blocked. */
  | 'Blocked';

export interface Observation {
  phase: Phase;
  message?: string;
  /** The object as it is after this pass (from the server's answer when written). */
  live?: KubernetesObject;
  /** What this pass wrote. */
  wrote?: 'applied' | 'created' | 'deleted';
}

/** What a dependent's desired() may read of the pass so far: the dependents it declared in dependsOn. */
export interface Upstream<T extends KubernetesObject = KubernetesObject> {
  observation(id: DependentId): Observation;
  /** The live object of this dependent itself, before this pass. */
  readonly live: T | undefined;
}

/** Returned by desired() when the child cannot be built yet; the child is left as it is. */
export interface Wait {
  wait: string;
}

export const waitFor = (reason: string): Wait => ({ wait: reason });
export const isWait = (value: unknown): value is Wait =>
  typeof value === 'object' && value !== null && 'wait' in value && typeof value.wait === 'string';

interface Common {
  /** Names this dependent in dependsOn, logs and docs. */
  readonly id: DependentId;
  /** Dependents that must be reconciled first; when one is Waiting or Blocked, this one is Blocked. */
  readonly dependsOn: readonly DependentId[];
}

/** A child of one PetStore, owned by it through a controller reference. */
export interface ChildDependent<T extends KubernetesObject = KubernetesObject> extends Common {
  readonly policy: 'apply' | 'create-only';
  readonly kind: ResourceKind;
  readonly name: (inputs: BuildInputs) => string;
  /** reconcilePrecondition; absent means always. False: the child must not exist (deleted when this PetStore owns it). */
  readonly when?: (inputs: BuildInputs) => boolean;
  /** The pure builder. */
  readonly desired: (inputs: BuildInputs, upstream: Upstream<T>) => T | Wait;
  /** readyPostcondition; absent means ready as soon as it exists as desired. */
  readonly ready?: (live: T) => Readiness;
  /** create-only children with one object per input (an image): older ones carrying this label go once one is ready. */
  readonly generationLabel?: string;
  /**
   * Fields the operator stops setting while they must keep their values until another controller takes them (the
   * Deployment's replicas, to the autoscaler): applied under a second field manager before the apply that drops them,
   * or right after the one that creates the object. Undefined: nothing to hand over.
   */
  readonly handOver?: (inputs: BuildInputs, desired: T, live: T | undefined) => KubernetesObject | undefined;
}

/** One object per namespace, computed from every PetStore there. */
export interface SharedDependent<T extends KubernetesObject = KubernetesObject> extends Common {
  readonly policy: 'shared';
  readonly kind: ResourceKind;
  readonly name: string;
  readonly when: (inputs: NamespaceInputs) => boolean;
  readonly desired: (inputs: NamespaceInputs) => T;
}

/** The result of resolving an external dependent: its state for status, and what the children need of it. */
export interface ExternalObservation {
  state: DatabaseState;
  connection?: DatabaseConnection;
}

/** Something outside the cluster (the database), provisioned by the engine the spec names. */
export interface ExternalDependent extends Common {
  readonly policy: 'external';
  /** The engine for this spec; undefined when the operator is not configured for it (a Stalled PetStore). */
  readonly engine: (spec: ResolvedSpec, engines: Engines) => DatabaseEngine | undefined;
}

export type Engines = Partial<Record<ResolvedSpec['database']['engine'], DatabaseEngine>>;

export type Dependent = ChildDependent | SharedDependent | ExternalDependent;

/** A dependent's id; dependsOn may name only ids declared before it (operator/test/dependents.test.ts checks). */
export type DependentId = string;
