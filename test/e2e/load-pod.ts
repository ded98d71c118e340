// A load generator inside the cluster: load/http-load.ts in a pod on the real node (the API image has Node.js), fed
// from a ConfigMap. Tests start it, mark a window (e.g. a rollout) and stop it to read what its clients saw.
import { readFileSync } from 'node:fs';
import { kubectl, realNode, waitFor } from '../cluster/fixtures.ts';
import { restrictedPod } from './real-node-pods.ts';

export interface LoadSummary {
  seconds: number;
  requests: number;
  succeeded: number;
  failed: number;
  failures: Record<string, number>;
  failureSeconds: number[];
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  window: {
    seconds: number | null;
    requests: number;
    p50Ms: number | null;
    p99Ms: number | null;
    maxMs: number | null;
  };
}

export interface LoadOptions {
  urls: string[];
  concurrency?: number;
  pauseMs?: number;
  /** CPU limit of the load pod (default 500m). */
  cpu?: string;
}

const script = readFileSync(new URL('load/http-load.ts', import.meta.url), 'utf8');

export class LoadPod {
  readonly namespace: string;
  readonly name: string;

  constructor(namespace: string, name: string) {
    this.namespace = namespace;
    this.name = name;
  }

  static async start(namespace: string, name: string, options: LoadOptions): Promise<LoadPod> {
    const pod = restrictedPod(name, realNode().images.api.ref, ['node', '/load/http-load.ts']) as {
      spec: {
        terminationGracePeriodSeconds: number;
        restartPolicy?: string;
        containers: { env?: object[]; volumeMounts?: object[]; resources: { limits: Record<string, string> } }[];
        volumes?: object[];
      };
    };
    const container = pod.spec.containers[0]!;
    pod.spec.restartPolicy = 'Never';
    pod.spec.terminationGracePeriodSeconds = 10;
    container.resources.limits.cpu = options.cpu ?? '500m';
    container.env = [
      { name: 'LOAD_URLS', value: options.urls.join(',') },
      { name: 'LOAD_CONCURRENCY', value: String(options.concurrency ?? 4) },
      { name: 'LOAD_PAUSE_MS', value: String(options.pauseMs ?? 0) },
    ];
    container.volumeMounts = [{ name: 'load', mountPath: '/load', readOnly: true }];
    pod.spec.volumes = [{ name: 'load', configMap: { name } }];
    await kubectl(['-n', namespace, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'http-load.ts': script } }, pod],
      }),
    });
    const load = new LoadPod(namespace, name);
    await waitFor(
      async () => (await load.logs()).includes('"started":true') || undefined,
      120_000,
      `the load pod ${name} to start`,
      250,
    );
    return load;
  }

  logs(): Promise<string> {
    return kubectl(['-n', this.namespace, 'logs', this.name]).catch(() => '');
  }

  /** Sends a signal to the load process (PID 1 of its container). */
  async signal(name: 'SIGUSR1' | 'SIGUSR2'): Promise<void> {
    await kubectl(['-n', this.namespace, 'exec', this.name, '--', 'node', '-e', `process.kill(1, '${name}')`]);
  }

  /** Stops the load and returns what the clients saw. */
  async stop(): Promise<LoadSummary> {
    await this.signal('SIGUSR2');
    const line = await waitFor(
      async () => (await this.logs()).split('\n').find((l) => l.startsWith('{"summary"')),
      60_000,
      `the load pod ${this.name} to report`,
      250,
    );
    return (JSON.parse(line!) as { summary: LoadSummary }).summary;
  }
}
