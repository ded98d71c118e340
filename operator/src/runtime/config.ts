import { readFileSync } from 'node:fs';
import { formatDuration, parseDuration } from './duration.ts';

/** How the runtime is configured; every field has a flag, an environment variable and a documented default. */
export interface RuntimeConfig {
  /** Namespaces to watch; empty means all namespaces (one cluster-wide watch per kind). */
  readonly namespaces: readonly string[];
  readonly concurrency: number;
  readonly leaderElect: boolean;
  /** Namespace of the Lease; undefined only when leader election is off. */
  readonly leaderElectionNamespace: string | undefined;
  readonly leaderElectionId: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** `host:port` or `:port`; undefined when the server is disabled with `0`. */
  readonly metricsBindAddress: BindAddress | undefined;
  readonly healthProbeBindAddress: BindAddress | undefined;
  readonly logLevel: LogLevel;
  readonly resyncPeriodMs: number;
  readonly watchIdleTimeoutMs: number;
  readonly cacheSyncTimeoutMs: number;
  readonly gracefulShutdownTimeoutMs: number;
  readonly help: boolean;
}

export interface BindAddress {
  /** undefined means every interface. */
  readonly host: string | undefined;
  readonly port: number;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A flag or environment variable with a bad value, or an unknown flag; the message names which and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Kind = 'list' | 'int' | 'bool' | 'duration' | 'address' | 'level' | 'name';

interface Option {
  readonly field: keyof Omit<RuntimeConfig, 'help'>;
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  /** Default as the user would type it; undefined = computed (see description). */
  readonly default: string | undefined;
  readonly description: string;
}

/** Every option, in the order `--help` and docs/operator-runtime.md list them. */
export const OPTIONS: readonly Option[] = [
  {
    field: 'namespaces',
    flag: 'namespaces',
    env: 'WATCH_NAMESPACES',
    kind: 'list',
    default: '',
    description: 'Comma-separated namespaces to watch; empty watches all namespaces.',
  },
  {
    field: 'concurrency',
    flag: 'concurrency',
    env: 'MAX_CONCURRENT_RECONCILES',
    kind: 'int',
    default: '2',
    description: 'Reconciles run at once (never two for the same PetStore).',
  },
  {
    field: 'leaderElect',
    flag: 'leader-elect',
    env: 'LEADER_ELECT',
    kind: 'bool',
    default: undefined,
    description:
      'Elect a leader through a Lease so only one replica reconciles. Default: on when the Lease has a namespace (in a cluster, POD_NAMESPACE or --leader-election-namespace), off otherwise.',
  },
  {
    field: 'leaderElectionNamespace',
    flag: 'leader-election-namespace',
    env: 'POD_NAMESPACE',
    kind: 'name',
    default: undefined,
    description: "Namespace of the Lease; defaults to the pod's own namespace when running in a cluster.",
  },
  {
    field: 'leaderElectionId',
    flag: 'leader-election-id',
    env: 'LEADER_ELECTION_ID',
    kind: 'name',
    default: 'petstore-operator.petstore.example.com',
    description: 'Name of the Lease.',
  },
  {
    field: 'leaseDurationMs',
    flag: 'leader-elect-lease-duration',
    env: 'LEADER_ELECT_LEASE_DURATION',
    kind: 'duration',
    default: '15s',
    description: 'How long a non-leader waits after the last renewal it saw before taking over.',
  },
  {
    field: 'renewDeadlineMs',
    flag: 'leader-elect-renew-deadline',
    env: 'LEADER_ELECT_RENEW_DEADLINE',
    kind: 'duration',
    default: '10s',
    description: 'How long the leader keeps retrying a failed renewal before it stops leading.',
  },
  {
    field: 'retryPeriodMs',
    flag: 'leader-elect-retry-period',
    env: 'LEADER_ELECT_RETRY_PERIOD',
    kind: 'duration',
    default: '2s',
    description: 'Interval between attempts to acquire or renew the Lease.',
  },
  {
    field: 'metricsBindAddress',
    flag: 'metrics-bind-address',
    env: 'METRICS_BIND_ADDRESS',
    kind: 'address',
    default: ':8080',
    description: 'Address of the Prometheus /metrics endpoint; 0 disables it.',
  },
  {
    field: 'healthProbeBindAddress',
    flag: 'health-probe-bind-address',
    env: 'HEALTH_PROBE_BIND_ADDRESS',
    kind: 'address',
    default: ':8081',
    description: 'Address of /healthz and /readyz; 0 disables them.',
  },
  {
    field: 'logLevel',
    flag: 'log-level',
    env: 'LOG_LEVEL',
    kind: 'level',
    default: 'info',
    description: `One of ${LOG_LEVELS.join(', ')}.`,
  },
  {
    field: 'resyncPeriodMs',
    flag: 'resync-period',
    env: 'RESYNC_PERIOD',
    kind: 'duration',
    default: '10h',
    description: 'Every object is reconciled again this often (±10 %), a safety net behind the watches.',
  },
  {
    field: 'watchIdleTimeoutMs',
    flag: 'watch-idle-timeout',
    env: 'WATCH_IDLE_TIMEOUT',
    kind: 'duration',
    default: '5m',
    description: 'A watch that receives nothing (not even a bookmark) for this long is restarted.',
  },
  {
    field: 'cacheSyncTimeoutMs',
    flag: 'cache-sync-timeout',
    env: 'CACHE_SYNC_TIMEOUT',
    kind: 'duration',
    default: '2m',
    description: 'Give up starting when the caches have not filled by then (e.g. the CRD is missing).',
  },
  {
    field: 'gracefulShutdownTimeoutMs',
    flag: 'graceful-shutdown-timeout',
    env: 'GRACEFUL_SHUTDOWN_TIMEOUT',
    kind: 'duration',
    default: '30s',
    description: 'On SIGTERM, how long in-flight reconciles may take to finish before the process exits.',
  },
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_CONCURRENCY = 1000;

/** Where the in-cluster service account's namespace is mounted (client-go's inClusterNamespace). */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface ParseOptions {
  /** The namespace this pod runs in, if known; the default Lease namespace. */
  readonly inClusterNamespace?: string | undefined;
}

/**
 * Parses command-line flags (`--name=value`, `--name value`, `--flag`, `--no-flag`) over environment variables over
 * defaults. Throws a {@link ConfigError} naming the flag or variable for anything unknown or invalid.
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): RuntimeConfig {
  const fromFlags = readFlags(argv);
  const values: Record<string, unknown> = { help: fromFlags.has('help') };
  let electByDefault = false;
  for (const option of OPTIONS) {
    const flagValue = fromFlags.get(option.flag);
    const envValue = env[option.env];
    let raw: string | undefined;
    let source: string;
    if (flagValue !== undefined) {
      raw = flagValue;
      source = `flag --${option.flag}`;
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
      source = `environment variable ${option.env}`;
    } else {
      raw = option.field === 'leaderElectionNamespace' ? options.inClusterNamespace : option.default;
      if (option.field === 'leaderElect') electByDefault = true;
      source = `default of --${option.flag}`;
    }
    values[option.field] = raw === undefined ? undefined : convert(option, raw, source);
  }
  // Unset, leader election is on wherever the Lease has a namespace (in a cluster, POD_NAMESPACE, the flag) and off
  // elsewhere, so `npm run operator` against a development cluster needs no flags (kubebuilder's `make run`).
  if (electByDefault) values.leaderElect = values.leaderElectionNamespace !== undefined;
  const config = values as unknown as RuntimeConfig;
  validate(config);
  return config;
}

/** {@link parseConfig} on this process's arguments and environment, with the in-cluster namespace if mounted. */
export function loadConfig(argv = process.argv.slice(2), env = process.env): RuntimeConfig {
  let inClusterNamespace: string | undefined;
  try {
    inClusterNamespace = readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    inClusterNamespace = undefined;
  }
  return parseConfig(argv, env, { inClusterNamespace });
}

/** The `--help` text: every flag with its variable and default. */
export function usage(): string {
  const lines = ['Flags (each also settable by the environment variable shown; flags win):'];
  for (const option of OPTIONS) {
    const value = option.kind === 'bool' ? '' : '=<value>';
    const shown = option.default === undefined ? 'computed' : option.default === '' ? '""' : option.default;
    lines.push(`  --${option.flag}${value}  [${option.env}, default ${shown}]`, `      ${option.description}`);
  }
  return lines.join('\n');
}

function readFlags(argv: readonly string[]): Map<string, string> {
  const byFlag = new Map(OPTIONS.map((option) => [option.flag, option]));
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      out.set('help', 'true');
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}": flags look like --name=value`);
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let option = byFlag.get(name);
    if (option === undefined && name.startsWith('no-') && value === undefined) {
      option = byFlag.get(name.slice(3));
      if (option?.kind === 'bool') {
        name = option.flag;
        value = 'false';
      } else {
        option = undefined;
      }
    }
    if (option === undefined) {
      throw new ConfigError(`unknown flag --${name}; known flags: ${OPTIONS.map((o) => `--${o.flag}`).join(', ')}`);
    }
    if (value === undefined) {
      if (option.kind === 'bool') {
        value = 'true';
      } else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new ConfigError(`flag --${name} needs a value`);
        value = next;
        i++;
      }
    }
    out.set(name, value);
  }
  return out;
}

function convert(option: Option, raw: string, source: string): unknown {
  const bad = (expected: string): ConfigError =>
    new ConfigError(`invalid value ${JSON.stringify(raw)} for ${source}: expected ${expected}`);
  const text = raw.trim();
  switch (option.kind) {
    case 'name':
      if (!DNS_SUBDOMAIN.test(text) || text.length > 253) throw bad('a lower-case DNS name such as my-namespace');
      return text;
    case 'list': {
      const items = text === '' ? [] : text.split(',').map((item) => item.trim());
      for (const item of items) {
        if (!DNS_LABEL.test(item) || item.length > 63) {
          throw bad(`comma-separated namespace names; ${JSON.stringify(item)} is not a valid namespace name`);
        }
      }
      return [...new Set(items)];
    }
    case 'int': {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > MAX_CONCURRENCY) throw bad(`an integer from 1 to ${MAX_CONCURRENCY}`);
      return n;
    }
    case 'bool': {
      const lower = text.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return true;
      if (['false', '0', 'no'].includes(lower)) return false;
      throw bad('true or false');
    }
    case 'duration': {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) throw bad('a positive duration such as 30s, 5m or 10h');
      return ms;
    }
    case 'address':
      return parseBindAddress(text, bad);
    case 'level':
      if (!(LOG_LEVELS as readonly string[]).includes(text)) throw bad(`one of ${LOG_LEVELS.join(', ')}`);
      return text;
  }
}

function parseBindAddress(text: string, bad: (expected: string) => ConfigError): BindAddress | undefined {
  if (text === '0') return undefined;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535)
    throw bad('host:port or :port (port 0-65535, 0 picks a free one), or 0 to disable');
  const host = match[1] ?? '';
  return { host: host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1'), port };
}

function validate(config: RuntimeConfig): void {
  if (config.leaderElect && config.leaderElectionNamespace === undefined) {
    throw new ConfigError(
      'leader election needs a namespace for its Lease: not running in a cluster, so set --leader-election-namespace ' +
        '(or POD_NAMESPACE), or turn leader election off with --leader-elect=false',
    );
  }
  const { leaseDurationMs: lease, renewDeadlineMs: renew, retryPeriodMs: retry } = config;
  if (lease <= renew) {
    throw new ConfigError(
      `--leader-elect-lease-duration (${formatDuration(lease)}) must be greater than --leader-elect-renew-deadline ` +
        `(${formatDuration(renew)}), or a non-leader could take over while the leader still believes it leads`,
    );
  }
  // client-go's rule: the renew deadline must leave room for one jittered retry (JitterFactor 1.2).
  if (renew <= 1.2 * retry) {
    throw new ConfigError(
      `--leader-elect-renew-deadline (${formatDuration(renew)}) must be greater than 1.2 × ` +
        `--leader-elect-retry-period (${formatDuration(retry)})`,
    );
  }
  if (config.metricsBindAddress !== undefined && config.healthProbeBindAddress !== undefined) {
    const { metricsBindAddress: m, healthProbeBindAddress: h } = config;
    if (m.port !== 0 && m.port === h.port && (m.host === h.host || m.host === undefined || h.host === undefined)) {
      throw new ConfigError(
        `--metrics-bind-address and --health-probe-bind-address both use port ${m.port}; give them different ports`,
      );
    }
  }
}
