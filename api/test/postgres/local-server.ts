// A throwaway PostgreSQL server from the machine's own binaries (Debian's postgresql package): initdb into a temp
// dir, listen on a free loopback port, socket in the same dir. Used when no Docker engine answers.
import { execFile as execFileCallback } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PostgresServer } from './server.ts';

const execFile = promisify(execFileCallback);

export const howToProvidePostgres =
  'Install the server with `bash scripts/provision-tools.sh` (Debian package postgresql), start a Docker engine ' +
  '(testcontainers is used when one answers), or set PETSTORE_TEST_POSTGRES_URL to a server whose user may create databases.';

/** The newest PostgreSQL under Debian's /usr/lib/postgresql: its server binaries, and pg_dump and pg_restore. */
export function findBinDir(): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(debian, versions[0], 'bin');
  throw new Error(`PostgreSQL server binaries (initdb, pg_ctl) not found under ${debian}. ${howToProvidePostgres}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

// PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user (or nobody) via runuser.
async function runAs(): Promise<{ user: string; uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const [uid, gid] = await Promise.all(
        ['-u', '-g'].map(async (flag) => Number((await execFile('id', [flag, user])).stdout)),
      );
      return { user, uid: uid ?? 0, gid: gid ?? 0 };
    } catch {
      // try the next user
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export interface LocalPostgres extends PostgresServer {
  /** Stops the server, keeping its data (a clean shutdown: every committed transaction is on disk) ... */
  stop(): Promise<void>;
  /** ... and starts it again on the same port. */
  start(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Addresses to listen on besides 127.0.0.1 (the real node's bridge, say), each with the clients it accepts. */
  extraListen?: { address: string; clients: string }[];
}

/** Starts a new PostgreSQL cluster; `dispose()` stops it and deletes its files (no process is left behind). */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const bin = findBinDir();
  const owner = await runAs();
  const dir = mkdtempSync(join(tmpdir(), 'petstore-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const run = async (command: string, args: string[]) => {
    const [file, argv] = owner
      ? ['runuser', ['-u', owner.user, '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    try {
      await execFile(file, argv, { cwd: dir });
    } catch (error) {
      const log = existsSync(join(dir, 'postgres.log'))
        ? readFileSync(join(dir, 'postgres.log'), 'utf8').slice(-2000)
        : '';
      throw new Error(`${command} failed: ${(error as Error).message}\n${log}`, { cause: error });
    }
  };

  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Clients beyond loopback must log in with a password (scram-sha-256); loopback keeps trust for the tests.
  const extra = options.extraListen ?? [];
  if (extra.length > 0) {
    appendFileSync(
      join(data, 'pg_hba.conf'),
      extra.map(({ clients }) => `host all all ${clients} scram-sha-256\n`).join(''),
    );
  }
  const listen = ['127.0.0.1', ...extra.map(({ address }) => address)].join(',');
  let port = 0;
  let running = false;
  const start = async () => {
    port ||= await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=${listen} -c fsync=off -c full_page_writes=off`;
    await run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async dispose() {
      try {
        await stop();
      } catch {
        // pg_ctl could not stop it: kill the postmaster (its children exit with it)
        const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid) process.kill(pid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
