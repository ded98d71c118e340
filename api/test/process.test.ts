// The entry points as real processes: `node api/src/main.ts` (start, graceful shutdown, bad configuration) and
// `node api/src/migrate.ts` (the once-per-rollout migration command).
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { freePort, spawnApi, waitUntilListening } from './support/process.ts';
import { waitFor } from './support/wait.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const migrate = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));

/** A raw HTTP/1.1 connection, so a request can be left half-sent. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, closed, received: () => received };
}

describe('the server process', () => {
  it('finishes every in-flight request on SIGTERM, tells keep-alive clients to go, then refuses new ones, exits 0', async () => {
    const port = await freePort();
    const api = spawnApi([process.execPath, main], {
      DATABASE_URL: 'sqlite::memory:',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Long enough that the drain's log line (batched: up to a second late) arrives before the grace ends.
      SHUTDOWN_GRACE_SECONDS: '4',
    });
    await waitUntilListening(api);

    // An idle keep-alive connection: one complete request, then nothing.
    const idle = rawConnection(port);
    idle.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: api\r\n\r\n');
    await waitFor('the idle connection to get its response', () => idle.received().includes('200 OK'));

    // Five requests in flight: headers and half of each body sent, the rest held back until after SIGTERM.
    const bodies = [0, 1, 2, 3, 4].map((i) => JSON.stringify({ name: `in flight ${i}`, photoUrls: [] }));
    const inFlight = bodies.map((body) => {
      const connection = rawConnection(port);
      connection.socket.write(
        `POST /api/v1/pets HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
          body.slice(0, 10),
      );
      return { connection, rest: body.slice(10) };
    });
    const inFlightGauge = async () =>
      Number(
        /^http_requests_in_flight (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1],
      );
    await waitFor('the server to be serving all five (and this scrape)', async () => (await inFlightGauge()) === 6);

    api.child.kill('SIGTERM');
    await waitFor('the drain to begin', () =>
      api.lines.some((l) => l.msg === 'draining: finishing in-flight requests'),
    );
    // In the grace period, the kept-alive connection's next request is answered (not reset), telling the client to go.
    idle.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: api\r\n\r\n');
    await idle.closed;
    expect(idle.received().match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(idle.received()).toMatch(/\r\nConnection: close\r\n/i);
    // After it, new connections are refused.
    const tryConnect = () =>
      new Promise<string>((resolve) => {
        const late = connect(port, '127.0.0.1');
        late.on('connect', () => {
          late.destroy();
          resolve('connected');
        });
        late.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    await waitFor('new connections to be refused', async () => (await tryConnect()) === 'ECONNREFUSED');

    for (const { connection, rest } of inFlight) connection.socket.write(rest);
    await Promise.all(inFlight.map(({ connection }) => connection.closed));
    for (const { connection } of inFlight) {
      expect(connection.received()).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
      expect(connection.received()).toMatch(/\r\nConnection: close\r\n/i);
    }
    expect(await api.exited).toBe(0);
    expect(api.lines.at(-1)).toMatchObject({ level: 'info', msg: 'stopped' });
  });

  it('refuses to start on invalid configuration, naming every bad variable', async () => {
    const api = spawnApi([process.execPath, main], { PORT: '70000', ENVIRONMENT: 'prod', PAGINATION_LIMIT: 'many' });
    expect(await api.exited).toBe(1);
    expect(api.lines).toContainEqual(
      expect.objectContaining({
        level: 'fatal',
        msg:
          'invalid configuration: PORT must be <= 65535 (got "70000"); ENVIRONMENT must be one of development, staging, ' +
          'production (got "prod"); PAGINATION_LIMIT must be integer (got "many")',
      }),
    );
  });

  it('fails to start when the database is unreachable, naming it without its password', async () => {
    const port = await freePort(); // nothing listens there
    const api = spawnApi([process.execPath, main], { DATABASE_URL: `postgres://app:s3cr3t-pw@127.0.0.1:${port}/shop` });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain(`cannot open the database postgres://app:***@127.0.0.1:${port}/shop: ECONNREFUSED`);
    expect(api.output()).not.toContain('s3cr3t-pw');
  });
});

describe('the migrate command', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.drop());

  const run = async (env: Record<string, string>) => {
    const command = spawnApi([process.execPath, migrate], env);
    return { code: await command.exited, lines: command.lines, output: command.output() };
  };

  it('applies the migrations once and exits 0; a second run finds the schema up to date', async () => {
    if (database.config.engine !== 'postgres') throw new Error('expected a PostgreSQL database');
    const url = new URL(database.config.url);
    // The operator passes the credentials separately (DB_USER / DB_PASSWORD) from the Secret.
    const env = { DB_HOST: url.hostname, DB_PORT: url.port, DB_NAME: url.pathname.slice(1), DB_USER: url.username };
    const first = await run(env);
    expect(first.code).toBe(0);
    expect(first.lines).toContainEqual(
      expect.objectContaining({ msg: 'applied 1 migration(s)', migrations: ['Initial1764000000000'] }),
    );
    const second = await run(env);
    expect(second.code).toBe(0);
    expect(second.lines).toContainEqual(expect.objectContaining({ msg: 'the schema is up to date', migrations: [] }));
  });

  it('exits non-zero with the reason when it cannot migrate', async () => {
    const failed = await run({ DATABASE_URL: 'mysql://nope' });
    expect(failed.code).toBe(1);
    expect(failed.lines).toContainEqual(
      expect.objectContaining({
        level: 'fatal',
        msg: 'migration failed: invalid configuration: DATABASE_URL must match pattern "^(sqlite:|postgres(ql)?://)"',
      }),
    );
  });
});
