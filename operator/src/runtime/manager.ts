import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { createLeaseLock } from '../k8s/lease.ts';
import { createListerWatcher } from '../k8s/watch.ts';
import type { RuntimeConfig } from './config.ts';
import { Controller, type Reconciler } from './controller.ts';
import { LeaderElectionLostError } from './errors.ts';
import { close, createMetricsServer, createProbeServer, listen, type CheckResult } from './health-server.ts';
import { Informer } from './informer.ts';
import { LeaderElector, type LeaseLock } from './leader-election.ts';
import { createLogger, type Logger } from './logger.ts';
import { RuntimeMetrics } from './metrics.ts';
import { resourceName, type KubeObject, type ObjectKey, type WatchSpec } from './types.ts';

/** A controller to run while this process leads: one primary kind, the kinds it owns, optional extra mappings. */
export interface ControllerRegistration {
  /** Metric label and workqueue name, e.g. `petstore`. */
  readonly name: string;
  readonly primary: WatchSpec;
  /** Children: a change reconciles the controller owner (ownerReference with controller: true) of the primary kind. */
  readonly owns?: readonly WatchSpec[];
  /** Other kinds whose changes affect primaries, with the function that names which. */
  readonly watches?: readonly {
    readonly spec: WatchSpec;
    readonly map: (object: KubeObject) => readonly ObjectKey[];
  }[];
  readonly reconcile: Reconciler;
}

export interface ManagerOptions {
  readonly kubeConfig: KubeConfig;
  readonly config: RuntimeConfig;
  readonly log?: Logger;
  /** Leader-election identity; default `<hostname>_<uuid>` as client-go. */
  readonly identity?: string;
  /** The Lease storage; default a coordination.k8s.io/v1 Lease named by the config. */
  readonly leaseLock?: LeaseLock;
}

/** Time kept back from the shutdown bound for releasing the lease and closing watches and servers. */
const SHUTDOWN_RESERVE_MS = 2000;

/**
 * Runs informers, leader election, controllers and the probe and metrics servers of one operator process:
 * informers on every replica (a standby has warm caches), controllers only on the leader, a bounded graceful stop.
 */
export class Manager {
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  readonly kubeConfig: KubeConfig;
  readonly #config: RuntimeConfig;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #registrations: ControllerRegistration[] = [];
  readonly #controllers: Controller<KubeObject>[] = [];
  readonly #elector: LeaderElector | undefined;
  readonly #servers: Server[] = [];
  readonly #stopController = new AbortController();
  #stopRequestedAt = 0;
  #started = false;
  #finished: Promise<void> | undefined;
  #probeAddress: AddressInfo | undefined;
  #metricsAddress: AddressInfo | undefined;

  constructor(options: ManagerOptions) {
    const { config } = options;
    this.kubeConfig = options.kubeConfig;
    this.#config = config;
    this.log = options.log ?? createLogger({ level: config.logLevel });
    this.metrics = new RuntimeMetrics();
    if (config.leaderElect) {
      const namespace = config.leaderElectionNamespace;
      if (namespace === undefined) throw new Error('leader election is on but no Lease namespace is configured');
      const leaseName = config.leaderElectionId;
      this.metrics.leaderElectionMasterStatus.set({ name: leaseName }, 0);
      this.#elector = new LeaderElector({
        lock:
          options.leaseLock ??
          createLeaseLock(options.kubeConfig, namespace, leaseName, this.metrics.observeClientRequest),
        identity: options.identity ?? `${hostname()}_${randomUUID()}`,
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
        log: this.log.child({ component: 'leader-election' }),
        onLeadingChange: (leading) => this.metrics.leaderElectionMasterStatus.set({ name: leaseName }, leading ? 1 : 0),
      });
    }
  }

  /**
   * The shared informer for `spec` in the configured namespaces (created on first use; one per resource and
   * selector). Its cache is what reconciles read. Ask for every informer before start().
   */
  informer<T extends KubeObject>(spec: WatchSpec): Informer<T> {
    const id = `${resourceName(spec)}?${spec.labelSelector ?? ''}&${spec.fieldSelector ?? ''}`;
    let informer = this.#informers.get(id);
    if (informer === undefined) {
      if (this.#started) throw new Error(`informer for ${resourceName(spec)} requested after the manager started`);
      const created = new Informer<KubeObject>({
        spec,
        namespaces: this.#config.namespaces,
        createListerWatcher: (namespace) =>
          createListerWatcher(this.kubeConfig, spec, namespace, this.metrics.observeClientRequest),
        log: this.log,
        idleTimeoutMs: this.#config.watchIdleTimeoutMs,
        onWatchRestart: (reason) => this.metrics.watchRestarts.inc({ kind: spec.kind, reason }),
      });
      this.metrics.registerInformer(created);
      this.#informers.set(id, created);
      informer = created;
    }
    return informer as unknown as Informer<T>;
  }

  /** Registers a controller (and the informers it needs); it runs once this process leads. */
  addController(registration: ControllerRegistration): void {
    if (this.#started) throw new Error(`controller ${registration.name} added after the manager started`);
    this.informer(registration.primary);
    for (const spec of registration.owns ?? []) this.informer(spec);
    for (const watch of registration.watches ?? []) this.informer(watch.spec);
    this.#registrations.push(registration);
  }

  /** True while this process holds the lease (always true without leader election once controllers run). */
  isLeader(): boolean {
    return this.#elector === undefined ? this.#controllers.length > 0 : this.#elector.isLeader();
  }

  /** Where the probe server listens (after start), e.g. for tests that bind port 0. */
  get probeAddress(): AddressInfo | undefined {
    return this.#probeAddress;
  }

  get metricsAddress(): AddressInfo | undefined {
    return this.#metricsAddress;
  }

  /**
   * Runs until stop(): resolves after a graceful stop; rejects when the caches do not sync in time or the lease is
   * lost (exit non-zero then, as controller-runtime does, so the pod restarts as a fresh candidate).
   */
  start(): Promise<void> {
    if (this.#started) throw new Error('the manager was already started');
    this.#started = true;
    this.#finished = this.#run();
    return this.#finished;
  }

  /** Stops gracefully within the configured bound; resolves when start() has settled. */
  async stop(): Promise<void> {
    if (this.#stopRequestedAt === 0) {
      this.#stopRequestedAt = performance.now();
      this.log.info({ boundMs: this.#config.gracefulShutdownTimeoutMs }, 'stopping');
      this.#stopController.abort();
    }
    await this.#finished?.catch(() => undefined);
  }

  /** SIGTERM/SIGINT stop gracefully; a second signal exits at once. Returns a function removing the handlers. */
  installSignalHandlers(): () => void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.#stopRequestedAt !== 0) {
        this.log.warn({ signal }, 'second signal; exiting now');
        process.exit(1);
      }
      this.log.info({ signal }, 'signal received');
      void this.stop();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    return () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    };
  }

  async #run(): Promise<void> {
    const stopping = this.#stopController.signal;
    try {
      await this.#startServers();
      for (const informer of this.#informers.values()) informer.start();
      await Promise.all(
        [...this.#informers.values()].map((i) => i.waitForSync(this.#config.cacheSyncTimeoutMs, stopping)),
      );
      if (stopping.aborted) return;
      this.log.info({ informers: this.#informers.size }, 'caches synced');
      if (this.#elector === undefined) {
        this.#startControllers();
        await new Promise((resolve) => stopping.addEventListener('abort', resolve, { once: true }));
        await this.#stopControllers();
        return;
      }
      if (!(await this.#elector.acquire(stopping))) return;
      this.#startControllers();
      const renewing = new AbortController();
      const leading = this.#elector.keepLeading(renewing.signal);
      const stopped = new Promise<'stop'>((resolve) =>
        stopping.addEventListener('abort', () => resolve('stop'), { once: true }),
      );
      if ((await Promise.race([leading, stopped])) === 'lost') {
        for (const controller of this.#controllers) controller.abort();
        throw new LeaderElectionLostError(this.#config.leaderElectionId);
      }
      // Keep renewing while in-flight reconciles finish, so nobody else writes meanwhile; release only after.
      await this.#stopControllers();
      renewing.abort();
      if ((await leading) === 'stopped') await this.#elector.release(Math.max(500, this.#remainingMs()));
    } catch (err) {
      if (!(err instanceof LeaderElectionLostError)) this.log.error({ err }, 'manager failed');
      throw err;
    } finally {
      await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
      await Promise.all(this.#servers.map(close));
      this.log.info('stopped');
    }
  }

  #fence(): void {
    if (this.#elector && !this.#elector.holdsLease()) {
      throw new LeaderElectionLostError(this.#config.leaderElectionId);
    }
  }

  #startControllers(): void {
    for (const registration of this.#registrations) {
      const controller = new Controller<KubeObject>({
        name: registration.name,
        primary: this.informer(registration.primary),
        owns: (registration.owns ?? []).map((spec) => this.informer(spec)),
        watches: (registration.watches ?? []).map((watch) => ({ informer: this.informer(watch.spec), map: watch.map })),
        reconcile: registration.reconcile,
        concurrency: this.#config.concurrency,
        resyncPeriodMs: this.#config.resyncPeriodMs,
        metrics: this.metrics,
        log: this.log,
        fence: () => this.#fence(),
      });
      controller.start();
      this.#controllers.push(controller);
    }
  }

  async #stopControllers(): Promise<void> {
    const drainMs = Math.max(0, this.#remainingMs() - SHUTDOWN_RESERVE_MS);
    const drained = await Promise.all(this.#controllers.map((controller) => controller.stop(drainMs)));
    this.log.info({ drained: drained.every(Boolean) }, 'controllers stopped');
  }

  #remainingMs(): number {
    return this.#stopRequestedAt + this.#config.gracefulShutdownTimeoutMs - performance.now();
  }

  async #startServers(): Promise<void> {
    const { healthProbeBindAddress, metricsBindAddress } = this.#config;
    if (healthProbeBindAddress !== undefined) {
      const server = createProbeServer({ healthz: () => this.#healthz(), readyz: () => this.#readyz() });
      this.#servers.push(server);
      this.#probeAddress = await listen(server, healthProbeBindAddress);
      this.log.info({ address: this.#probeAddress }, 'serving /healthz and /readyz');
    }
    if (metricsBindAddress !== undefined) {
      const server = createMetricsServer(this.metrics.registry);
      this.#servers.push(server);
      this.#metricsAddress = await listen(server, metricsBindAddress);
      this.log.info({ address: this.#metricsAddress }, 'serving /metrics');
    }
  }

  #healthz(): CheckResult[] {
    const results: CheckResult[] = [{ name: 'ping', ok: true }];
    for (const informer of this.#informers.values()) {
      for (const watch of informer.watchHealth()) {
        results.push({
          name: `watch:${watch.description}`,
          ok: watch.live,
          detail: 'the list/watch loop has made no progress; it is stuck',
        });
      }
    }
    return results;
  }

  #readyz(): CheckResult[] {
    const results: CheckResult[] = [
      { name: 'shutdown', ok: this.#stopRequestedAt === 0, detail: 'the process is shutting down' },
    ];
    const now = performance.now();
    for (const informer of this.#informers.values()) {
      for (const watch of informer.watchHealth()) {
        const why = !watch.synced
          ? `not synced yet${watch.lastError === undefined ? '' : `: ${watch.lastError}`}`
          : `watch disconnected for ${Math.round((now - watch.disconnectedAt) / 1000)}s: ${watch.lastError ?? ''}`;
        results.push({ name: `watch:${watch.description}`, ok: watch.healthy, detail: why });
      }
    }
    return results;
  }
}
