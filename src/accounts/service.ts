import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { newAuthToken, newKeySecret, secretsEqual } from '../core/secrets.js';
import { isSid, newOrderedSid, newSid, type AccountSid, type KeySid } from '../core/sid.js';
import type { AccountRow, AccountsRepository } from '../store/repositories/accounts.js';
import type { ApiKeyRow, ApiKeysRepository } from '../store/repositories/api-keys.js';
import type { SettingsRepository } from '../store/repositories/settings.js';
import type { Page, PageQuery } from '../store/paging.js';

/** Who is calling: the account whose credentials (or API key) authenticated the request. */
export interface Principal {
  readonly accountSid: AccountSid;
  readonly via: 'auth-token' | 'api-key';
  readonly keySid?: KeySid;
  /** Standard API keys cannot manage keys or accounts, as with Twilio. */
  readonly canManageAccounts: boolean;
  /** The account's row as read while authenticating, so the request need not read it again. */
  readonly account?: AccountRow;
}

export type AccountStatus = 'active' | 'suspended' | 'closed';
const STATUSES: readonly string[] = ['active', 'suspended', 'closed'];

/** Each dependency narrowed to what the service calls, so unit tests can hand it small fakes. */
export interface AccountsServiceDeps {
  accounts: Pick<AccountsRepository, 'find' | 'insert' | 'update' | 'listVisible'>;
  keys: Pick<ApiKeysRepository, 'find' | 'findOwned' | 'insert' | 'list' | 'update' | 'delete'>;
  settings: Pick<SettingsRepository, 'get' | 'set'>;
  clock: Clock;
}

export class AccountsService {
  constructor(private readonly deps: AccountsServiceDeps) {}

  /**
   * Makes sure the root account exists. Fixed credentials (from config) win; otherwise the account made
   * on the first start is kept. `generatedToken` is true only when this call made the token, the one time
   * it may be shown (an operator's token, or one made before, is never printed again).
   */
  async ensureRoot(fixed?: { sid: string; token: string }): Promise<AccountRow & { generatedToken: boolean }> {
    const { accounts, settings, clock } = this.deps;
    const sid = fixed?.sid ?? (await settings.get('root_account_sid')) ?? newSid('AC');
    let row = await accounts.find(sid);
    const now = clock.now();
    let generatedToken = false;
    if (!row) {
      generatedToken = fixed === undefined;
      row = {
        sid,
        parent_sid: null,
        friendly_name: 'Switchboard root account',
        status: 'active',
        auth_token: fixed?.token ?? newAuthToken(),
        type: 'Full',
        date_created: now,
        date_updated: now,
      };
      await accounts.insert(row);
    } else if (fixed && row.auth_token !== fixed.token) {
      await accounts.update(sid, { auth_token: fixed.token }, now);
      row = { ...row, auth_token: fixed.token };
    }
    await settings.set('root_account_sid', sid);
    return { ...row, generatedToken };
  }

  /** HTTP Basic credentials -> principal, or a 401 (20003) that says nothing about which part was wrong. */
  async authenticate(username: string, password: string): Promise<Principal> {
    if (isSid(username, 'AC')) {
      const account = await this.deps.accounts.find(username);
      // Compare even when the account is missing so timing does not reveal which SIDs exist.
      const ok = secretsEqual(password, account?.auth_token ?? 'x'.repeat(32)) && account !== undefined;
      if (!ok) throw errors.authenticate();
      this.assertActive(account);
      return { accountSid: username, via: 'auth-token', canManageAccounts: true, account };
    }
    if (isSid(username, 'SK')) {
      const key = await this.deps.keys.find(username);
      const ok = secretsEqual(password, key?.secret ?? 'x'.repeat(32)) && key !== undefined;
      if (!ok) throw errors.authenticate();
      const account = await this.deps.accounts.find(key.account_sid);
      if (!account) throw errors.authenticate();
      this.assertActive(account);
      return { accountSid: account.sid as AccountSid, via: 'api-key', keySid: username, canManageAccounts: key.flavor === 'main', account };
    }
    throw errors.authenticate();
  }

  private assertActive(account: AccountRow): void {
    if (account.status !== 'active') throw errors.accountNotActive();
  }

  /**
   * Resolves the account a URL names, as seen by the principal: itself, or a subaccount it owns.
   * Anything else is "not found", so SIDs of other accounts cannot be probed. A parent still reaches a
   * suspended subaccount (to reactivate it); products refuse new work for inactive accounts themselves.
   */
  async resolveTarget(principal: Principal, accountSid: string): Promise<AccountRow> {
    const row = principal.account?.sid === accountSid ? principal.account : await this.deps.accounts.find(accountSid);
    if (!row || (row.sid !== principal.accountSid && row.parent_sid !== principal.accountSid)) throw errors.notFound('Account', accountSid);
    return row;
  }

  async createSubaccount(principal: Principal, friendlyName: string | undefined): Promise<AccountRow> {
    this.assertCanManage(principal);
    const parent = await this.deps.accounts.find(principal.accountSid);
    // Twilio allows one level of subaccounts.
    if (!parent || parent.parent_sid !== null) throw errors.forbidden('Subaccounts cannot create subaccounts');
    const now = this.deps.clock.now();
    const row: AccountRow = {
      sid: newOrderedSid('AC', now),
      parent_sid: principal.accountSid,
      status: 'active',
      auth_token: newAuthToken(),
      type: 'Full',
      friendly_name: friendlyName ?? `SubAccount Created at ${new Date(now).toUTCString()}`,
      date_created: now,
      date_updated: now,
    };
    await this.deps.accounts.insert(row);
    return row;
  }

  async list(principal: Principal, filter: { friendlyName?: string; status?: string }, page: PageQuery): Promise<Page<AccountRow>> {
    this.assertAccountsAccess(principal);
    return this.deps.accounts.listVisible(principal.accountSid, filter, page);
  }

  async update(principal: Principal, target: AccountRow, changes: { friendlyName?: string | undefined; status?: string | undefined }): Promise<AccountRow> {
    this.assertAccountsAccess(principal);
    const patch: { friendly_name?: string; status?: string } = {};
    if (changes.friendlyName !== undefined) patch.friendly_name = changes.friendlyName;
    if (changes.status !== undefined) {
      if (!STATUSES.includes(changes.status)) throw errors.invalidAccountStatus();
      this.assertCanManage(principal);
      // An account cannot suspend or close itself through its own credentials' parent relation only.
      if (target.sid === principal.accountSid && changes.status !== target.status) {
        throw errors.forbidden('An account cannot change its own status; its parent can');
      }
      if (target.status === 'closed' && changes.status !== 'closed') throw errors.accountClosed();
      patch.status = changes.status;
    }
    if (Object.keys(patch).length > 0) await this.deps.accounts.update(target.sid, patch, this.deps.clock.now());
    return { ...target, ...patch };
  }

  // --- API keys ---

  async createKey(principal: Principal, accountSid: AccountSid, friendlyName: string | undefined, flavor: 'main' | 'standard'): Promise<ApiKeyRow> {
    this.assertCanManage(principal);
    const now = this.deps.clock.now();
    const row: ApiKeyRow = {
      sid: newSid('SK'),
      account_sid: accountSid,
      friendly_name: friendlyName ?? '',
      secret: newKeySecret(),
      flavor,
      date_created: now,
      date_updated: now,
    };
    await this.deps.keys.insert(row);
    return row;
  }

  async findKey(accountSid: string, sid: string): Promise<ApiKeyRow> {
    const row = await this.deps.keys.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Key', sid);
    return row;
  }

  listKeys(accountSid: string, page: PageQuery): Promise<Page<ApiKeyRow>> {
    return this.deps.keys.list(accountSid, page);
  }

  async updateKey(principal: Principal, accountSid: string, sid: string, friendlyName: string | undefined): Promise<ApiKeyRow> {
    this.assertCanManage(principal);
    const row = await this.findKey(accountSid, sid);
    if (friendlyName === undefined) return row;
    const now = this.deps.clock.now();
    await this.deps.keys.update(accountSid, sid, friendlyName, now);
    return { ...row, friendly_name: friendlyName, date_updated: now };
  }

  async deleteKey(principal: Principal, accountSid: string, sid: string): Promise<void> {
    this.assertCanManage(principal);
    if (!(await this.deps.keys.delete(accountSid, sid))) throw errors.notFound('Key', sid);
  }

  /** For access tokens (Video, Voice): the secret that signs them, only for a key of that account. */
  async keySecretFor(accountSid: string, keySid: string): Promise<string | undefined> {
    return (await this.deps.keys.findOwned(accountSid, keySid))?.secret;
  }

  async authTokenOf(accountSid: string): Promise<string | undefined> {
    return (await this.deps.accounts.find(accountSid))?.auth_token;
  }

  /**
   * The Accounts and Keys resources, read or write, need the auth token or a Main key (Twilio's rule): a
   * Standard key reading them would see auth tokens and could mint Main keys, i.e. take the account over.
   */
  assertAccountsAccess(principal: Principal): void {
    if (!principal.canManageAccounts) throw errors.keyNotPermitted();
  }

  private assertCanManage(principal: Principal): void {
    this.assertAccountsAccess(principal);
  }
}
