import type { DatabaseConnection } from '../../spec/database-connection.ts';

export interface MasterCredentials {
  username: string;
  password: string;
}

/**
 * Reads the `{"username","password"}` JSON RDS keeps in its managed secret. Errors name the secret, never its content.
 */
export function parseMasterSecret(secretString: string | undefined, secretArn: string): MasterCredentials {
  if (secretString === undefined) throw new Error(`secret ${secretArn} has no SecretString`);
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new Error(`secret ${secretArn} is not JSON`);
  }
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
    throw new Error(`secret ${secretArn} lacks a username or password string`);
  }
  return { username, password };
}

/** The connection the API uses: postgres://user:password@host:port/dbname?sslmode=..., every part URL-encoded. */
export function rdsConnection(
  credentials: MasterCredentials,
  endpoint: { host: string; port: number },
  dbname: string,
  sslMode: string,
): DatabaseConnection {
  const auth = `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}`;
  const url = `postgres://${auth}@${endpoint.host}:${endpoint.port}/${encodeURIComponent(dbname)}?sslmode=${sslMode}`;
  return { url, postgres: { ...credentials, host: endpoint.host, port: endpoint.port, dbname } };
}
