import { hash } from 'node:crypto';

/** The SHA-256 of an API key: all the server keeps of it. Keys are long random strings, so a fast hash suffices. */
export const hashApiKey = (key: string): Buffer => hash('sha256', key, 'buffer');

/** The shortest key accepted: 16 characters (the operator generates 43, 256 random bits in base64url). */
export const minimumKeyLength = 16;
const keyCharacters = /^[\x21-\x7e]+$/;

/**
 * Parses a list of API keys (separated by commas or newlines; blank lines and `#` comments ignored) into their hashes.
 * Throws an error naming `source` and the key's position, never the key itself.
 */
export function parseApiKeys(text: string, source: string): Buffer[] {
  const keys = text
    .split(/[,\n]/)
    .map((key) => key.trim())
    .filter((key) => key !== '' && !key.startsWith('#'));
  keys.forEach((key, i) => {
    const which = `${source}: key ${i + 1} of ${keys.length}`;
    if (key.length < minimumKeyLength) throw new Error(`${which} is shorter than ${minimumKeyLength} characters`);
    if (!keyCharacters.test(key)) throw new Error(`${which} has characters other than printable ASCII without spaces`);
  });
  return keys.map(hashApiKey);
}
