import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError, type Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { hashApiKey, parseApiKeys } from './keys.ts';

/** The API keys the server accepts, kept only as hashes; API_KEYS_FILE is re-read so a mounted Secret can rotate. */
export interface ApiKeyStore {
  /** False only in development with no key configured: then every operation is open. */
  readonly required: boolean;
  /**
   * A short id of the key (a prefix of its hash, safe to log and to count by), or undefined when it is not one of ours.
   * Compares against every stored hash in constant time, whichever matches.
   */
  identify(presented: string): string | undefined;
  /** Stops re-reading the file. */
  close(): void;
}

/** How often API_KEYS_FILE is re-read; the kubelet itself refreshes a mounted Secret about once a minute. */
export const keysFileReloadMs = 10_000;

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

// The id of a stored key, computed once per hash object rather than on every request.
const keyIds = new WeakMap<Buffer, string>();
function keyId(stored: Buffer): string {
  let id = keyIds.get(stored);
  if (id === undefined) {
    id = stored.subarray(0, 6).toString('hex');
    keyIds.set(stored, id);
  }
  return id;
}

/**
 * Builds the store from API_KEYS and API_KEYS_FILE. Throws ConfigError outside development when no key is configured,
 * when the file cannot be read or parsed, or when outside development it holds no key (the server would refuse every
 * write: better not to start).
 */
export function createApiKeyStore(
  { auth, environment }: Pick<Config, 'auth' | 'environment'>,
  logger: Logger,
  reloadMs = keysFileReloadMs,
): ApiKeyStore {
  const { keysFile } = auth;
  // Outside development the server refuses to run open: every write would be anyone's.
  if (environment !== 'development' && auth.keyHashes.length === 0 && !keysFile) {
    throw new ConfigError(
      `ENVIRONMENT=${environment} needs API keys: set API_KEYS or API_KEYS_FILE ` +
        '(only ENVIRONMENT=development may run without authentication)',
    );
  }
  let fileHashes: Buffer[] = [];
  let fileDigest = '';
  if (keysFile) {
    let text: string;
    try {
      text = readFileSync(keysFile, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `API_KEYS_FILE: cannot read ${keysFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    try {
      fileHashes = parseApiKeys(text, `API_KEYS_FILE ${keysFile}`);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
    fileDigest = digest(text);
    if (environment !== 'development' && auth.keyHashes.length + fileHashes.length === 0) {
      throw new ConfigError(`API_KEYS_FILE ${keysFile} holds no key, and ENVIRONMENT=${environment} needs one`);
    }
  }

  const reload = async () => {
    if (!keysFile) return;
    let text: string;
    try {
      text = await readFile(keysFile, 'utf8');
    } catch (error) {
      logger.error(
        { file: keysFile, code: (error as NodeJS.ErrnoException).code },
        'cannot re-read API_KEYS_FILE; keeping the keys read before',
      );
      return;
    }
    const changed = digest(text);
    if (changed === fileDigest) return;
    try {
      fileHashes = parseApiKeys(text, `API_KEYS_FILE ${keysFile}`);
      fileDigest = changed;
      logger.info({ file: keysFile, keys: fileHashes.length }, 'API keys reloaded');
    } catch (error) {
      logger.error(
        { file: keysFile, reason: (error as Error).message },
        'API_KEYS_FILE is invalid; keeping the keys read before',
      );
    }
  };
  const timer = keysFile ? setInterval(() => void reload(), reloadMs).unref() : undefined;

  return {
    required: auth.keyHashes.length > 0 || keysFile !== undefined,
    identify(presented) {
      const hash = hashApiKey(presented);
      let match: Buffer | undefined;
      for (const hashes of [auth.keyHashes, fileHashes]) {
        for (const stored of hashes) if (timingSafeEqual(stored, hash)) match = stored;
      }
      return match && keyId(match);
    },
    close() {
      clearInterval(timer);
    },
  };
}
