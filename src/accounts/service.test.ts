import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, NotFoundError } from '../core/errors.js';
import type { AccountSid } from '../core/sid.js';
import { ManualClock } from '../core/test-support/clock.js';
import type { AccountRow } from '../store/repositories/accounts.js';
import type { ApiKeyRow } from '../store/repositories/api-keys.js';
import { page } from '../store/test-support/memory.js';
import { T0, accountRow, apiKeyRow, sid } from '../store/test-support/rows.js';
import { AccountsService, type AccountsServiceDeps } from './service.js';

const ROOT = sid('AC', 1) as AccountSid;
const CHILD = sid('AC', 2) as AccountSid;
const STRANGER = sid('AC', 3) as AccountSid;
const TOKEN = 'a'.repeat(32);

type AccountStore = AccountsServiceDeps['accounts'];
type KeyStore = AccountsServiceDeps['keys'];

class MemoryAccounts implements AccountStore {
  readonly rows = new Map<string, AccountRow>();
  readonly reads: string[] = [];

  async find(sid: string): Promise<AccountRow | undefined> {
    this.reads.push(sid);
    const row = this.rows.get(sid);
    return row && { ...row };
  }
  async insert(row: AccountRow): Promise<void> {
    this.rows.set(row.sid, { ...row });
  }
  async update(sid: string, changes: Partial<Pick<AccountRow, 'friendly_name' | 'status' | 'auth_token'>>, now: number): Promise<void> {
    const row = this.rows.get(sid);
    if (row) Object.assign(row, changes, { date_updated: now });
  }
  async listVisible(owner: AccountSid) {
    return page([...this.rows.values()].filter((r) => r.sid === owner || r.parent_sid === owner));
  }
}

class MemoryKeys implements KeyStore {
  readonly rows = new Map<string, ApiKeyRow>();

  async find(sid: string) {
    return this.rows.get(sid);
  }
  async findOwned(accountSid: string, sid: string) {
    const row = this.rows.get(sid);
    return row?.account_sid === accountSid ? row : undefined;
  }
  async insert(row: ApiKeyRow) {
    this.rows.set(row.sid, row);
  }
  async list(accountSid: string) {
    return page([...this.rows.values()].filter((k) => k.account_sid === accountSid));
  }
  async update(accountSid: string, sid: string, friendlyName: string, now: number) {
    const row = await this.findOwned(accountSid, sid);
    if (row) Object.assign(row, { friendly_name: friendlyName, date_updated: now });
  }
  async delete(accountSid: string, sid: string) {
    return (await this.findOwned(accountSid, sid)) !== undefined && this.rows.delete(sid);
  }
}

function setup() {
  const accounts = new MemoryAccounts();
  const keys = new MemoryKeys();
  const settings = new Map<string, string>();
  const clock = new ManualClock(T0);
  const service = new AccountsService({
    accounts,
    keys,
    clock,
    settings: {
      get: async (k) => settings.get(k),
      set: async (k, v) => {
        settings.set(k, v);
      },
    },
  });
  for (const row of [
    accountRow({ sid: ROOT, auth_token: TOKEN }),
    accountRow({ sid: CHILD, parent_sid: ROOT, auth_token: 'b'.repeat(32) }),
    accountRow({ sid: STRANGER, auth_token: 'c'.repeat(32) }),
  ])
    accounts.rows.set(row.sid, row);
  for (const row of [
    apiKeyRow({ sid: sid('SK', 1), account_sid: ROOT, flavor: 'main', secret: 'M'.repeat(32) }),
    apiKeyRow({ sid: sid('SK', 2), account_sid: ROOT, flavor: 'standard', secret: 'S'.repeat(32) }),
    apiKeyRow({ sid: sid('SK', 3), account_sid: sid('AC', 9), flavor: 'main', secret: 'O'.repeat(32) }),
  ])
    keys.rows.set(row.sid, row);
  return { accounts, keys, settings, clock, service };
}

async function rejectsWith(work: Promise<unknown>, code: number, status: number): Promise<ApiError> {
  let caught: unknown;
  await assert.rejects(work, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof ApiError, `expected an ApiError, got ${String(caught)}`);
  assert.deepEqual([caught.code, caught.status], [code, status], caught.message);
  return caught;
}

test('the auth token authenticates as the account, with the row it read', async () => {
  const { service } = setup();
  const p = await service.authenticate(ROOT, TOKEN);
  assert.deepEqual([p.accountSid, p.via, p.canManageAccounts, p.keySid, p.account?.sid], [ROOT, 'auth-token', true, undefined, ROOT]);
});

test('a Main key may manage accounts and keys, a Standard key may not (20003)', async () => {
  const { service } = setup();
  const main = await service.authenticate(sid('SK', 1), 'M'.repeat(32));
  assert.deepEqual([main.accountSid, main.via, main.keySid, main.canManageAccounts], [ROOT, 'api-key', sid('SK', 1), true]);
  const standard = await service.authenticate(sid('SK', 2), 'S'.repeat(32));
  assert.deepEqual([standard.accountSid, standard.canManageAccounts], [ROOT, false]);
  assert.throws(
    () => service.assertAccountsAccess(standard),
    (err: unknown) => err instanceof ApiError && err.code === 20003 && err.status === 401,
  );
  await rejectsWith(service.createKey(standard, ROOT, 'k', 'main'), 20003, 401);
  await rejectsWith(service.list(standard, {}, { pageSize: 50 }), 20003, 401);
});

test('wrong credentials are one answer (20003), whichever part was wrong; the stand-in secret of a missing SID never matches', async () => {
  const { service, accounts } = setup();
  const wrongToken = await rejectsWith(service.authenticate(ROOT, 'b'.repeat(32)), 20003, 401);
  const unknownSid = await rejectsWith(service.authenticate(sid('AC', 0x99), TOKEN), 20003, 401);
  assert.deepEqual(unknownSid.toJSON(), wrongToken.toJSON());
  assert.ok(accounts.reads.includes(sid('AC', 0x99)), 'a missing account is looked up (and compared) like any other');
  // A missing account or key is compared against 32 x's so timing is the same: that value must not log in.
  await rejectsWith(service.authenticate(sid('AC', 0x99), 'x'.repeat(32)), 20003, 401);
  await rejectsWith(service.authenticate(sid('SK', 0x99), 'x'.repeat(32)), 20003, 401);
  await rejectsWith(service.authenticate(sid('SK', 1), 'S'.repeat(32)), 20003, 401);
  await rejectsWith(service.authenticate(sid('SK', 3), 'O'.repeat(32)), 20003, 401); // its account is gone
  await rejectsWith(service.authenticate('admin', TOKEN), 20003, 401);
  await rejectsWith(service.authenticate(ROOT, ''), 20003, 401);
});

test('a suspended or closed account cannot authenticate (20005), by token or by key', async () => {
  const { service, accounts } = setup();
  accounts.rows.get(ROOT)!.status = 'suspended';
  await rejectsWith(service.authenticate(ROOT, TOKEN), 20005, 401);
  await rejectsWith(service.authenticate(sid('SK', 1), 'M'.repeat(32)), 20005, 401);
  accounts.rows.get(ROOT)!.status = 'closed';
  await rejectsWith(service.authenticate(ROOT, TOKEN), 20005, 401);
  await service.authenticate(CHILD, 'b'.repeat(32)); // a subaccount is not suspended with its parent
});

test("resolveTarget: the principal's own account (without a read) or its subaccount; any other is 20404", async () => {
  const { service, accounts } = setup();
  const root = await service.authenticate(ROOT, TOKEN);
  const reads = accounts.reads.length;
  assert.equal((await service.resolveTarget(root, ROOT)).sid, ROOT);
  assert.equal(accounts.reads.length, reads, 'the row read while authenticating is reused');
  assert.equal((await service.resolveTarget(root, CHILD)).sid, CHILD);
  const notFound = await rejectsWith(service.resolveTarget(root, STRANGER), 20404, 404);
  assert.ok(notFound instanceof NotFoundError && notFound.kind === 'Account' && notFound.sid === STRANGER);
  await rejectsWith(service.resolveTarget(root, sid('AC', 0x99)), 20404, 404);
  const child = await service.authenticate(CHILD, 'b'.repeat(32));
  await rejectsWith(service.resolveTarget(child, ROOT), 20404, 404); // a subaccount cannot reach its parent
});

test('subaccounts: one level only, made by a principal that may manage accounts', async () => {
  const { service, clock } = setup();
  clock.advance(60_000);
  const root = await service.authenticate(ROOT, TOKEN);
  const sub = await service.createSubaccount(root, undefined);
  assert.deepEqual(
    [sub.parent_sid, sub.status, sub.date_created, sub.friendly_name],
    [ROOT, 'active', T0 + 60_000, 'SubAccount Created at Mon, 01 Jan 2024 00:01:00 GMT'],
  );
  assert.match(sub.sid, /^AC[0-9a-f]{32}$/);
  assert.match(sub.auth_token, /^[0-9a-f]{32}$/);
  const child = await service.authenticate(CHILD, 'b'.repeat(32));
  await rejectsWith(service.createSubaccount(child, 'grandchild'), 20403, 403);
  await rejectsWith(service.createSubaccount(await service.authenticate(sid('SK', 2), 'S'.repeat(32)), 'x'), 20003, 401);
});

test('status changes: the parent suspends a subaccount; an account cannot change its own; a closed one stays closed', async () => {
  const { service, accounts } = setup();
  const root = await service.authenticate(ROOT, TOKEN);
  const child = accounts.rows.get(CHILD)!;
  assert.equal((await service.update(root, child, { status: 'suspended' })).status, 'suspended');
  assert.equal(accounts.rows.get(CHILD)!.status, 'suspended');
  await rejectsWith(service.update(root, child, { status: 'paused' }), 20001, 400);
  await rejectsWith(service.update(root, accounts.rows.get(ROOT)!, { status: 'suspended' }), 20403, 403);
  await service.update(root, { ...child }, { status: 'closed' });
  await rejectsWith(service.update(root, accounts.rows.get(CHILD)!, { status: 'active' }), 20005, 400);
  assert.equal((await service.update(root, accounts.rows.get(ROOT)!, { friendlyName: 'Renamed' })).friendly_name, 'Renamed');
});

test('ensureRoot: fixed credentials create the root or rotate its token; a generated token is reported only when made', async () => {
  const { service, settings, accounts } = setup();
  const fixed = { sid: sid('AC', 0x77), token: 'f'.repeat(32) };
  const made = await service.ensureRoot(fixed);
  assert.deepEqual([made.sid, made.auth_token, made.generatedToken, settings.get('root_account_sid')], [fixed.sid, fixed.token, false, fixed.sid]);
  const rotated = await service.ensureRoot({ ...fixed, token: 'e'.repeat(32) });
  assert.deepEqual([rotated.auth_token, accounts.rows.get(fixed.sid)!.auth_token], ['e'.repeat(32), 'e'.repeat(32)]);
  settings.clear();
  const generated = await service.ensureRoot();
  assert.equal(generated.generatedToken, true, 'no root recorded: one is made, its token shown this once');
  assert.match(generated.auth_token, /^[0-9a-f]{32}$/);
  const again = await service.ensureRoot();
  assert.deepEqual([again.sid, again.generatedToken], [generated.sid, false], 'the root made before is kept and its token not shown again');
});
