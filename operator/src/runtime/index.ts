// The operator runtime's public surface: what main.ts and the reconciler use. Everything else in this folder is
// an implementation detail.
export {
  ConfigError,
  loadConfig,
  parseConfig,
  usage,
  type BindAddress,
  type LogLevel,
  type RuntimeConfig,
} from './config.ts';
export type { ReconcileContext, ReconcileResult, Reconciler } from './controller.ts';
export { LeaderElectionLostError, PermanentError, isPermanentError } from './errors.ts';
export type { Informer, InformerEvent } from './informer.ts';
export { createLogger, type Logger } from './logger.ts';
export { Manager, type ControllerRegistration, type ManagerOptions } from './manager.ts';
export type { RuntimeMetrics } from './metrics.ts';
export { controllerOwnerUid, type Cache } from './store.ts';
export { apiVersionOf, groupOf, keyOf, objectKeyOf, type KubeObject, type ObjectKey, type WatchSpec } from './types.ts';
export { Priority } from './workqueue.ts';
export type { ClientRequest, ClientRequestObserver } from '../k8s/watch.ts';
