import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { LevelWithSilent } from 'pino';
import proxyAddr from 'proxy-addr';
import { parseApiKeys } from './auth/keys.ts';

/** Where the API keeps its data: an embedded SQLite file (or `:memory:`), or a PostgreSQL server. */
export type DatabaseConfig =
  | { engine: 'sqlite'; file: string }
  /**
   * `idleTimeoutMs`: how long an idle pooled connection stays open (DB_POOL_IDLE_SECONDS). Longer than the readiness
   * probe's period, so a quiet pod keeps a connection that a password rotation does not break (docs/api.md).
   */
  | { engine: 'postgres'; url: string; idleTimeoutMs?: number };

export interface Config {
  host: string;
  port: number;
  apiVersion: string;
  environment: 'development' | 'staging' | 'production';
  logLevel: LevelWithSilent;
  paginationLimit: number;
  /** Allowed browser origins; `*` allows any. Empty: no CORS headers at all. */
  corsOrigins: string[];
  database: DatabaseConfig;
  /** API keys: the hashes of API_KEYS, and the file (API_KEYS_FILE) read at start and re-read while running. */
  auth: { keyHashes: Buffer[]; keysFile?: string };
  /** Requests per client (API key, else address) per window; 0 turns the limit off. */
  rateLimit: { requests: number; windowSeconds: number };
  /** Addresses and CIDRs of the proxies whose X-Forwarded-For is believed (the load balancer's subnets). */
  trustedProxies: string[];
  /** Password hashes computed at once; more wait in a bounded queue (each scrypt hash takes 16 MiB and ~50 ms). */
  passwordHashConcurrency: number;
  /**
   * After SIGTERM, how long the server keeps its connections open while every response says `Connection: close`,
   * before it closes the idle ones: closing a keep-alive connection at once races with its client sending the next
   * request, which then fails (ECONNRESET).
   */
  shutdownGraceMs: number;
}

/** Invalid configuration; the message names every offending variable and never echoes a secret. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const packageVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The embedded database when neither DATABASE_URL nor DB_* is set: api/data/ next to src/ and dist/ (git-ignored). */
export const defaultSqlitePath = fileURLToPath(new URL('../data/petstore.sqlite', import.meta.url));

const port = { type: 'integer', minimum: 1, maximum: 65535 };
const text = { type: 'string', minLength: 1, pattern: '^[^\\u0000-\\u001f]*$' };

// The environment's contract, checked as a whole so one start-up error lists every bad variable.
const envSchema = {
  type: 'object',
  properties: {
    HOST: { ...text, default: '0.0.0.0' },
    PORT: { ...port, default: 8080 },
    API_VERSION: { ...text, maxLength: 64, default: packageVersion },
    ENVIRONMENT: { enum: ['development', 'staging', 'production'], default: 'development' },
    LOG_LEVEL: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info' },
    PAGINATION_LIMIT: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
    CORS_ORIGINS: { type: 'string', default: '' },
    DATABASE_URL: { type: 'string', pattern: '^(sqlite:|postgres(ql)?://)' },
    DB_HOST: text,
    DB_PORT: { ...port, default: 5432 },
    DB_NAME: text,
    DB_USER: text,
    DB_PASSWORD: { type: 'string' },
    SQLITE_PATH: { ...text, default: defaultSqlitePath },
    API_KEYS: { type: 'string' },
    API_KEYS_FILE: text,
    RATE_LIMIT_REQUESTS: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 600 },
    RATE_LIMIT_WINDOW_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
    TRUSTED_PROXIES: { type: 'string', default: '' },
    PASSWORD_HASH_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
    SHUTDOWN_GRACE_SECONDS: { type: 'integer', minimum: 0, maximum: 60, default: 5 },
    DB_POOL_IDLE_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
  },
} as const;

interface Env {
  HOST: string;
  PORT: number;
  API_VERSION: string;
  ENVIRONMENT: Config['environment'];
  LOG_LEVEL: LevelWithSilent;
  PAGINATION_LIMIT: number;
  CORS_ORIGINS: string;
  DATABASE_URL?: string;
  DB_HOST?: string;
  DB_PORT: number;
  DB_NAME?: string;
  DB_USER?: string;
  DB_PASSWORD?: string;
  SQLITE_PATH: string;
  API_KEYS?: string;
  API_KEYS_FILE?: string;
  RATE_LIMIT_REQUESTS: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
  TRUSTED_PROXIES: string;
  PASSWORD_HASH_CONCURRENCY: number;
  SHUTDOWN_GRACE_SECONDS: number;
  DB_POOL_IDLE_SECONDS: number;
}

const secretVariables = new Set(['DATABASE_URL', 'DB_PASSWORD', 'API_KEYS']);

const validateEnv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true }).compile<Env>(envSchema);

/** Reads the configuration from environment variables (names as in the seed deployment guide), or throws ConfigError. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const env: Record<string, string> = {};
  for (const name of Object.keys(envSchema.properties)) {
    const value = environment[name]?.trim();
    if (value) env[name] = value; // an empty value (a blank ConfigMap key) means "use the default"
  }
  // The seeds write levels and environments in upper case (LOG_LEVEL=INFO).
  if (env.LOG_LEVEL) env.LOG_LEVEL = env.LOG_LEVEL.toLowerCase().replace(/^warning$/, 'warn');
  if (env.ENVIRONMENT) env.ENVIRONMENT = env.ENVIRONMENT.toLowerCase();

  const raw = { ...env }; // validation coerces in place; messages quote what was set
  if (!validateEnv(env)) {
    const problems = (validateEnv.errors ?? []).map((e) => {
      const name = e.instancePath.slice(1);
      const shown = secretVariables.has(name) ? '' : ` (got ${JSON.stringify(raw[name])})`;
      const rule =
        e.keyword === 'enum'
          ? `must be one of ${(e.params as { allowedValues: string[] }).allowedValues.join(', ')}`
          : e.message;
      return `${name} ${rule ?? 'is invalid'}${shown}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const valid = env as unknown as Env;
  return {
    host: valid.HOST,
    port: valid.PORT,
    apiVersion: valid.API_VERSION,
    environment: valid.ENVIRONMENT,
    logLevel: valid.LOG_LEVEL,
    paginationLimit: valid.PAGINATION_LIMIT,
    corsOrigins: parseCorsOrigins(valid.CORS_ORIGINS),
    database: databaseConfig(valid),
    auth: authConfig(valid),
    rateLimit: { requests: valid.RATE_LIMIT_REQUESTS, windowSeconds: valid.RATE_LIMIT_WINDOW_SECONDS },
    shutdownGraceMs: valid.SHUTDOWN_GRACE_SECONDS * 1000,
    trustedProxies: parseTrustedProxies(valid.TRUSTED_PROXIES),
    passwordHashConcurrency: valid.PASSWORD_HASH_CONCURRENCY,
  };
}

// Whether keys are required is the server's question (auth/api-key-store.ts): the migration command needs none.
function authConfig(env: Env): Config['auth'] {
  let keyHashes: Buffer[];
  try {
    keyHashes = parseApiKeys(env.API_KEYS ?? '', 'API_KEYS');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return { keyHashes, ...(env.API_KEYS_FILE && { keysFile: env.API_KEYS_FILE }) };
}

function parseTrustedProxies(list: string): string[] {
  const proxies = list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  try {
    proxyAddr.compile(proxies);
  } catch (error) {
    throw new ConfigError(
      `TRUSTED_PROXIES: ${(error as Error).message} (expected IP addresses or CIDRs, comma-separated)`,
    );
  }
  return proxies;
}

function parseCorsOrigins(list: string): string[] {
  const origins = list
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && URL.parse(origin)?.origin !== origin) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], or *)`);
    }
  }
  return origins;
}

// DATABASE_URL wins; DB_USER / DB_PASSWORD fill in or replace its credentials (so a password needs no URL-encoding).
// Without DATABASE_URL, DB_HOST + DB_NAME + DB_USER describe a PostgreSQL server; with none of them, SQLite.
function databaseConfig(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url?.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file)
      throw new ConfigError('DATABASE_URL: sqlite: needs a file path or :memory: (e.g. sqlite:/data/petstore.sqlite)');
    return { engine: 'sqlite', file };
  }
  let postgres: URL;
  if (url) {
    const parsed = URL.parse(url);
    if (!parsed?.hostname)
      throw new ConfigError('DATABASE_URL is not a valid postgres://user:password@host:port/name URL');
    postgres = parsed;
  } else if (env.DB_HOST ?? env.DB_NAME ?? env.DB_USER ?? env.DB_PASSWORD) {
    const missing = (['DB_HOST', 'DB_NAME', 'DB_USER'] as const).filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(`${missing.join(', ')} must be set when DATABASE_URL is not (or set DATABASE_URL instead)`);
    }
    postgres = new URL(`postgres://${env.DB_HOST ?? ''}:${env.DB_PORT}/${encodeURIComponent(env.DB_NAME ?? '')}`);
  } else {
    return { engine: 'sqlite', file: env.SQLITE_PATH };
  }
  if (env.DB_USER) postgres.username = encodeURIComponent(env.DB_USER);
  if (env.DB_PASSWORD) postgres.password = encodeURIComponent(env.DB_PASSWORD);
  return { engine: 'postgres', url: postgres.href, idleTimeoutMs: env.DB_POOL_IDLE_SECONDS * 1000 };
}

/** The database as it may appear in logs: the password is replaced, nothing else. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.engine === 'sqlite') return `sqlite:${database.file}`;
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  return url.href;
}
