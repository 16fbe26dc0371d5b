// Token and session secrets: 32 bytes from the OS CSPRNG, kept only as SHA-256.
import { createHash, randomBytes } from 'node:crypto';

/** Prefix of API tokens: recognisable in a leaked log or a secret scanner. */
export const TOKEN_PREFIX = 'hst_';

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** 8 random bytes, hex: the public handle of a token (token list, revoke). */
export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

/**
 * The stored form of a secret, and what it is looked up by. A plain SHA-256 is enough
 * for 256-bit random secrets: nothing about them can be guessed from it, so no salt or
 * slow hash is needed. Looking up by the digest is also what keeps the check constant
 * time where it matters: the time an index lookup takes can reveal how much of the
 * *digest* matched a stored one, which says nothing about any token (a preimage would
 * be needed), while comparing secrets directly could reveal a token's prefix.
 */
export function secretSha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
