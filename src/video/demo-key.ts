import type { AccountsService } from '../accounts/service.js';
import type { AccountSid } from '../core/sid.js';
import type { SettingsRepository } from '../store/repositories/settings.js';

const DEMO_KEY_SETTING = 'video_demo_key_sid';

/**
 * The API key the demo page mints its tokens with: a Standard key of the root account, made on first use
 * and kept (its SID in settings), so every node and every restart signs with the same key.
 */
export class DemoKey {
  private key: Promise<{ sid: string; secret: string }> | undefined;

  constructor(
    private readonly accounts: Pick<AccountsService, 'keySecretFor' | 'createKey'>,
    private readonly settings: SettingsRepository,
    private readonly rootAccountSid: string,
  ) {}

  get(): Promise<{ sid: string; secret: string }> {
    this.key ??= this.load().catch((err: unknown) => {
      this.key = undefined; // a failed first use is tried again on the next request
      throw err;
    });
    return this.key;
  }

  private async load(): Promise<{ sid: string; secret: string }> {
    const known = await this.settings.get(DEMO_KEY_SETTING);
    const secret = known ? await this.accounts.keySecretFor(this.rootAccountSid, known) : undefined;
    if (known && secret) return { sid: known, secret };
    const root = this.rootAccountSid as AccountSid;
    const row = await this.accounts.createKey({ accountSid: root, via: 'auth-token', canManageAccounts: true }, root, 'Video demo page', 'standard');
    await this.settings.set(DEMO_KEY_SETTING, row.sid);
    return { sid: row.sid, secret: row.secret };
  }
}
