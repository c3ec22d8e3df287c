import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). Hashing runs on
 * libuv's thread pool, so sign-ins do not block the event loop.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/**
 * A hash of a password nobody knows, made once with the same parameters: an unknown email (or a user
 * without a password) is verified against it so that the answer takes as long as a wrong password.
 */
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hash(`no-such-user-${Math.random()}`, OPTIONS);
  return dummyHash;
}

/** Whether the password fits the stored hash; with no hash it does the same work and answers false. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    await verify(await dummy(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Warms the dummy hash at start, so the first unknown-email sign-in is not slower than the rest. */
export async function prepareDummyHash(): Promise<void> {
  await dummy();
}
