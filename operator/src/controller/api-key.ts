import { randomBytes } from 'node:crypto';

/** A new API key: 32 random bytes (256 bits) in base64url, 43 characters, safe in a header and a file. */
export const newApiKey = (): string => randomBytes(32).toString('base64url');
