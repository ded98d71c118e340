import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { boundedConcurrency } from '../limits/bounded-concurrency.ts';

// OWASP's scrypt minimum (N=2^17, r=8, p=1) costs 128 MiB per hash; N=2^14 keeps a hash at 16 MiB and ~50 ms so a
// burst of sign-ups cannot exhaust a 512 MiB pod. The parameters are stored with each hash, so raising them later
// only needs new hashes, not a migration.
const params = { N: 16384, r: 8, p: 1 };
const keyLength = 32;

const derive = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/** Hashes a password into the form `scrypt$N$r$p$salt$hash` (base64). */
export type PasswordHasher = (password: string) => Promise<string>;

/**
 * A salted scrypt hasher running at most `concurrency` hashes at once (they share libuv's four threads with file and
 * DNS work) and queueing at most 16 per slot; past that it throws OverloadedError instead of queueing.
 */
export function passwordHasher(concurrency: number): PasswordHasher {
  const run = boundedConcurrency(concurrency, 16 * concurrency, 'password hashes');
  return (password) =>
    run(async () => {
      const salt = randomBytes(16);
      const key = await derive(password, salt, params);
      return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
    });
}
