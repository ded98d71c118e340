// The operator process: flags and environment → informers, leader election and the PetStore controller.
import { KubeConfig } from '@kubernetes/client-node';
import { Counter } from 'prom-client';
import { addBackupControllers } from './backup-controller.ts';
import type { BackupEngine } from './database/backup-engine.ts';
import { addPetStoreController } from './petstore-controller.ts';
import { discoverResources, MonitoringDiscovery } from './k8s/discovery.ts';
import { createKubeClient, observeRequests } from './k8s/client.ts';
import { loadOperatorConfig, OperatorConfigError } from './operator-config.ts';
import { ConfigError, createLogger, loadConfig, Manager, usage } from './runtime/index.ts';

function fail(message: string): never {
  process.stderr.write(`petstore-operator: ${message}\n`);
  process.exit(2);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}

let runtimeConfig;
let operatorConfig;
try {
  runtimeConfig = loadConfig();
  operatorConfig = loadOperatorConfig();
} catch (error) {
  if (error instanceof ConfigError || error instanceof OperatorConfigError) fail(`${error.message}\n\n${usage()}`);
  throw error;
}

const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const log = createLogger({ level: runtimeConfig.logLevel });
const manager = new Manager({ kubeConfig, config: runtimeConfig, log });
const host = new URL(kubeConfig.getCurrentCluster()?.server ?? 'https://kubernetes.default.svc').host;
const client = observeRequests(
  createKubeClient(kubeConfig, process.env.POD_NAME ?? 'petstore-operator'),
  manager.metrics.observeClientRequest,
  host,
);

let externalDatabases = {};
let backups: BackupEngine | undefined;
if (operatorConfig.rds) {
  const { createRdsDatabase } = await import('./database/rds/index.ts');
  try {
    const { awsRequestsMetric } = await import('./database/rds/aws-metrics.ts');
    const awsRequests = new Counter({ ...awsRequestsMetric, registers: [manager.metrics.registry] });
    const rds = createRdsDatabase({
      ...operatorConfig.rds,
      observeAwsRequest: (request) => awsRequests.inc({ ...request }),
    });
    externalDatabases = { rds };
    backups = rds.backups;
  } catch (error) {
    fail(`RDS settings: ${error instanceof Error ? error.message : String(error)}`);
  }
}
// Watches are fixed when the manager starts, so the Prometheus Operator's kinds are looked for now and again every
// minute: when they appear (or go), the operator stops gracefully and its Deployment restarts it to watch them.
const discovery = new MonitoringDiscovery(discoverResources(kubeConfig));
const monitoringServed = (await discovery.refresh()).served === true;
log.info({ monitoringServed }, 'monitoring.coreos.com discovery');
const rediscover = setInterval(() => {
  void discovery.refresh().then(({ served, changed }) => {
    if (!changed) return;
    log.info(
      { monitoringServed: served },
      'monitoring.coreos.com changed: restarting to watch what the cluster serves',
    );
    process.kill(process.pid, 'SIGTERM');
  });
}, 60_000);
rediscover.unref();

const controllerContext = {
  client,
  defaults: { ...operatorConfig.defaults, monitoringServed },
  log,
  now: () => new Date(),
};
addPetStoreController(manager, controllerContext, externalDatabases);
// PetStoreBackups where their CRD is installed (the chart and config/crd install it; an older install may not have).
const ownGroup = await discoverResources(kubeConfig)('petstore.example.com', 'v1alpha1');
if (ownGroup.includes('petstorebackups')) addBackupControllers(manager, controllerContext, backups);
else
  log.warn(
    'petstorebackups.petstore.example.com is not served: backups and backup schedules are off until it is installed',
  );

manager.installSignalHandlers();
try {
  await manager.start();
  log.info('stopped');
} catch (error) {
  log.error({ err: error }, 'operator stopped on an error');
  process.exitCode = 1;
}
