/** How the API reaches its database; the Secret builder turns it into keys. Never logged. */
export interface DatabaseConnection {
  url: string;
  postgres?: { username: string; password: string; host: string; port: number; dbname: string };
}

/** Where the API keeps SQLite data inside the pod (an emptyDir). */
export const sqliteDataPath = '/data';
export const sqliteConnection: DatabaseConnection = { url: `sqlite:${sqliteDataPath}/petstore.sqlite` };

/** Parses a postgres:// URL into the Secret's parts; throws a message that names the problem but never the value. */
export function postgresConnection(url: string): DatabaseConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`must be a postgres:// or postgresql:// URL, not ${parsed.protocol}//`);
  }
  if (!parsed.hostname) throw new Error('has no host');
  return {
    url,
    postgres: {
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 5432,
      dbname: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    },
  };
}
