// A minimal operator process for the leader-election cluster tests: a Manager with leader election and one
// controller over ConfigMaps labelled for the test, logging JSON lines the test reads. Flags are the runtime's own.
//   node lease-candidate.ts <kubeconfig> <identity> [runtime flags...]
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger, Manager, parseConfig } from '../index.ts';

const [kubeconfigPath, identity, ...flags] = process.argv.slice(2);
if (kubeconfigPath === undefined || identity === undefined) {
  throw new Error('usage: lease-candidate.ts <kubeconfig> <identity> [--flag=value ...]');
}
const config = parseConfig(flags, process.env);
const log = createLogger({ level: 'info' }).child({ identity });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const manager = new Manager({ kubeConfig, config, log, identity });
manager.addController({
  name: 'candidate',
  primary: {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    labelSelector: 'test=lease',
  },
  reconcile: async (request, context) => {
    context.log.info({ event: 'reconcile' }, 'reconciling');
    await Promise.resolve();
    return undefined;
  },
});
manager.installSignalHandlers();
manager.start().then(
  () => process.exit(0),
  (err: unknown) => {
    log.error({ err, event: 'exit' }, 'manager failed');
    process.exit(1);
  },
);
