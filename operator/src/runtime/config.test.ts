import { describe, expect, it } from '@jest/globals';
import { ConfigError, OPTIONS, parseConfig, usage } from './config.ts';

const inCluster = { inClusterNamespace: 'petstore-system' };

describe('parseConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = parseConfig([], {}, inCluster);
    expect(config).toEqual({
      namespaces: [],
      concurrency: 2,
      leaderElect: true,
      leaderElectionNamespace: 'petstore-system',
      leaderElectionId: 'petstore-operator.petstore.example.com',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      metricsBindAddress: { host: undefined, port: 8080 },
      healthProbeBindAddress: { host: undefined, port: 8081 },
      logLevel: 'info',
      resyncPeriodMs: 36_000_000,
      watchIdleTimeoutMs: 300_000,
      cacheSyncTimeoutMs: 120_000,
      gracefulShutdownTimeoutMs: 30_000,
      help: false,
    });
  });

  it('reads every option from its environment variable', () => {
    const config = parseConfig(
      [],
      {
        WATCH_NAMESPACES: 'team-a, team-b',
        MAX_CONCURRENT_RECONCILES: '8',
        LEADER_ELECT: 'false',
        LOG_LEVEL: 'debug',
        RESYNC_PERIOD: '1h30m',
        METRICS_BIND_ADDRESS: '127.0.0.1:9090',
        HEALTH_PROBE_BIND_ADDRESS: '0',
        WATCH_IDLE_TIMEOUT: '90s',
      },
      {},
    );
    expect(config.namespaces).toEqual(['team-a', 'team-b']);
    expect(config.concurrency).toBe(8);
    expect(config.leaderElect).toBe(false);
    expect(config.leaderElectionNamespace).toBeUndefined();
    expect(config.logLevel).toBe('debug');
    expect(config.resyncPeriodMs).toBe(5_400_000);
    expect(config.metricsBindAddress).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.healthProbeBindAddress).toBeUndefined();
    expect(config.watchIdleTimeoutMs).toBe(90_000);
  });

  it('lets flags win over environment variables', () => {
    const config = parseConfig(
      ['--concurrency=4', '--namespaces', 'pets'],
      { MAX_CONCURRENT_RECONCILES: '8' },
      inCluster,
    );
    expect(config.concurrency).toBe(4);
    expect(config.namespaces).toEqual(['pets']);
  });

  it('elects a leader by default in a cluster, and not outside one (npm run operator needs no flags)', () => {
    expect(parseConfig([], {}, inCluster).leaderElect).toBe(true);
    const outside = parseConfig([], {}, {});
    expect(outside.leaderElect).toBe(false);
    expect(outside.leaderElectionNamespace).toBeUndefined();
    expect(parseConfig(['--leader-election-namespace=ops'], {}, {}).leaderElect).toBe(true);
  });

  it.each([
    [['--leader-elect=false'], false],
    [['--no-leader-elect'], false],
    [['--leader-elect'], true],
    [['--leader-elect=true'], true],
  ])('reads the boolean flag form %j', (argv, expected) => {
    expect(parseConfig(argv, {}, inCluster).leaderElect).toBe(expected);
  });

  it('takes the Lease namespace from POD_NAMESPACE over the in-cluster file', () => {
    expect(parseConfig([], { POD_NAMESPACE: 'ops' }, inCluster).leaderElectionNamespace).toBe('ops');
  });

  it('accepts [::]:8080 and :0 (a free port, for tests)', () => {
    const config = parseConfig(['--metrics-bind-address=[::]:8080', '--health-probe-bind-address=:0'], {}, inCluster);
    expect(config.metricsBindAddress).toEqual({ host: '::', port: 8080 });
    expect(config.healthProbeBindAddress).toEqual({ host: undefined, port: 0 });
  });

  it('recognises --help', () => {
    expect(parseConfig(['--help'], {}, inCluster).help).toBe(true);
    expect(usage()).toContain('--concurrency=<value>  [MAX_CONCURRENT_RECONCILES, default 2]');
  });

  describe('errors name the flag or variable and the bad value', () => {
    it.each([
      [['--concurrency=0'], {}, 'invalid value "0" for flag --concurrency: expected an integer from 1 to 1000'],
      [[], { MAX_CONCURRENT_RECONCILES: 'two' }, 'environment variable MAX_CONCURRENT_RECONCILES'],
      [['--resync-period=10'], {}, 'invalid value "10" for flag --resync-period: expected a positive duration'],
      [['--log-level=verbose'], {}, 'expected one of trace, debug, info, warn, error, fatal, silent'],
      [['--namespaces=Team_A'], {}, '"Team_A" is not a valid namespace name'],
      [['--metrics-bind-address=8080'], {}, 'for flag --metrics-bind-address: expected host:port or :port'],
      [['--leader-elect=maybe'], {}, 'for flag --leader-elect: expected true or false'],
      [['--concurency=3'], {}, 'unknown flag --concurency; known flags: --namespaces, --concurrency'],
      [['--concurrency'], {}, 'flag --concurrency needs a value'],
      [['serve'], {}, 'unexpected argument "serve"'],
      [['--no-concurrency'], {}, 'unknown flag --no-concurrency'],
    ])('%j %j', (argv, env, message) => {
      expect(() => parseConfig(argv, env, inCluster)).toThrow(ConfigError);
      expect(() => parseConfig(argv, env, inCluster)).toThrow(message);
    });

    it('asks for a Lease namespace outside a cluster when leader election is turned on', () => {
      expect(() => parseConfig(['--leader-elect'], {}, {})).toThrow(/--leader-election-namespace \(or POD_NAMESPACE\)/);
      expect(parseConfig(['--leader-elect=false'], {}, {}).leaderElect).toBe(false);
    });

    it("enforces client-go's ordering of lease duration, renew deadline and retry period", () => {
      expect(() => parseConfig(['--leader-elect-renew-deadline=15s'], {}, inCluster)).toThrow(
        /lease-duration \(15s\) must be greater than --leader-elect-renew-deadline \(15s\)/,
      );
      expect(() => parseConfig(['--leader-elect-retry-period=9s'], {}, inCluster)).toThrow(
        /renew-deadline \(10s\) must be greater than 1.2 × --leader-elect-retry-period \(9s\)/,
      );
    });

    it('refuses the same port for metrics and probes', () => {
      expect(() => parseConfig(['--metrics-bind-address=:8081'], {}, inCluster)).toThrow(/both use port 8081/);
    });
  });

  it('documents every option with a flag, an environment variable and a description', () => {
    for (const option of OPTIONS) {
      expect(option.flag).toMatch(/^[a-z][a-z-]+$/);
      expect(option.env).toMatch(/^[A-Z][A-Z_]+$/);
      expect(option.description.length).toBeGreaterThan(10);
    }
  });
});
