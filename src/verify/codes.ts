import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt } from 'node:crypto';

/** A code of `length` decimal digits from the CSPRNG; each digit uniform (randomInt rejects biased draws). */
export function generateCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** The settings key of the server secret Verify's keys come from; generated once, kept across restarts. */
export const VERIFY_SECRET_SETTING = 'verify_code_secret';

export function newVerifySecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Keeps codes out of the database in the clear. A check compares an HMAC-SHA256 of the code under a key only
 * the server holds, bound to the verification SID (the same code in two verifications hashes differently, and a
 * leaked table cannot be brute-forced over the small code space without the key).
 *
 * Twilio re-sends the SAME code when a verification is started again while pending, which a hash alone cannot
 * do; so while pending the code is also sealed with AES-256-GCM under a second key, and the repository drops
 * that copy the moment the verification ends (approved, canceled, expired, out of checks).
 */
export class CodeVault {
  private readonly hashKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secret: string) {
    // Two keys from one secret with distinct labels: a hash key never doubles as an encryption key.
    const root = Buffer.from(secret, 'utf8');
    this.hashKey = createHmac('sha256', root).update('switchboard verify code hash v1').digest();
    this.sealKey = createHmac('sha256', root).update('switchboard verify code seal v1').digest();
  }

  hash(verificationSid: string, code: string): string {
    return createHmac('sha256', this.hashKey).update(`${verificationSid}\0${code}`).digest('hex');
  }

  seal(verificationSid: string, code: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(verificationSid));
    const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  /** Throws when the sealed value was not made by this vault for this verification. */
  unseal(verificationSid: string, sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !body) throw new Error('malformed sealed code');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv);
    decipher.setAAD(Buffer.from(verificationSid));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
