/**
 * In-memory stand-ins for the repository slices the messaging and numbers services use, for unit tests.
 * Each keeps the repository's contract (conditional status moves, pacing slots, ownership checks) over
 * plain maps; a transaction that throws puts back what it changed, as a rollback would.
 */
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { GroupCommitter } from '../group-commit.js';
import type { Page } from '../paging.js';
import type { ApplicationRow, ApplicationsRepository } from '../repositories/applications.js';
import type { MessagePartRow, MessagePartsRepository } from '../repositories/message-parts.js';
import type { MessageChanges, MessageRow, MessagesRepository } from '../repositories/messages.js';
import type { MessagingServiceRow, MessagingServicesRepository } from '../repositories/messaging-services.js';
import type { OptOutsRepository } from '../repositories/opt-outs.js';
import type { PhoneNumberChanges, PhoneNumberRow, PhoneNumbersRepository } from '../repositories/phone-numbers.js';
import type { Database } from '../schema.js';
import type { Executor, Transactor } from '../transactor.js';

/** An executor that runs nothing (Kysely's DummyDriver): what fakes hand to work that expects a transaction. */
export const NO_DB: Executor = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export function page<T>(items: T[]): Page<T> {
  return { items, hasNext: false, hasPrev: false };
}

/** A store whose state can be put back: the returned function restores it as it was. */
export interface Restorable {
  snapshot(): () => void;
}

async function atomically<T>(stores: readonly Restorable[], work: () => Promise<T>): Promise<T> {
  const restores = stores.map((s) => s.snapshot());
  try {
    return await work();
  } catch (err) {
    for (const restore of restores) restore();
    throw err;
  }
}

/** Transactions over the given stores; counts them, so a test can see what was done together. */
export class MemoryTransactor implements Transactor {
  count = 0;

  constructor(private readonly stores: readonly Restorable[]) {}

  transaction<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    this.count++;
    return atomically(this.stores, () => work(NO_DB));
  }
}

/** The group committer's contract for one caller: the unit runs alone, rolled back alone; keys are recorded. */
export class MemoryGroup implements Pick<GroupCommitter, 'run'> {
  readonly keys: string[] = [];

  constructor(private readonly stores: readonly Restorable[]) {}

  run<T>(work: (trx: Executor) => Promise<T>, key = ''): Promise<T> {
    this.keys.push(key);
    return atomically(this.stores, () => work(NO_DB));
  }
}

function defined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type MessageSlice =
  | 'insert'
  | 'insertMany'
  | 'reserveSlot'
  | 'reserveSlots'
  | 'claimDue'
  | 'transition'
  | 'transitionMany'
  | 'transitionManyWithIds'
  | 'transitionEach'
  | 'update'
  | 'find'
  | 'findMany'
  | 'findOwned'
  | 'list'
  | 'delete';

export class MemoryMessages implements Pick<MessagesRepository, MessageSlice>, Restorable {
  rows = new Map<string, MessageRow>();
  /** Sender -> when its next slot starts (the sender_schedule table). */
  schedule = new Map<string, number>();
  /** Messages whose writes the store refuses (a constraint, a corrupt row): each write naming one throws. */
  readonly refuse = new Set<string>();
  /** How many messages each claimDue returned, in order: a 0 means the claimer found nothing due. */
  readonly claims: number[] = [];

  snapshot(): () => void {
    const rows = new Map([...this.rows].map(([k, v]) => [k, { ...v }]));
    const schedule = new Map(this.schedule);
    return () => {
      this.rows = rows;
      this.schedule = schedule;
    };
  }

  get(sid: string): MessageRow {
    const row = this.rows.get(sid);
    if (!row) throw new Error(`no message ${sid}`);
    return row;
  }

  add(...rows: MessageRow[]): void {
    for (const r of rows) this.rows.set(r.sid, { ...r });
  }

  async insert(row: MessageRow): Promise<void> {
    if (this.rows.has(row.sid)) throw new Error(`duplicate message ${row.sid}`);
    this.rows.set(row.sid, { ...row });
  }

  async insertMany(rows: readonly MessageRow[]): Promise<void> {
    for (const row of rows) await this.insert(row);
  }

  async reserveSlots(sender: string, now: number, costsMs: readonly number[], maxBacklogMs: number): Promise<(number | undefined)[]> {
    const slots: (number | undefined)[] = [];
    for (const cost of costsMs) slots.push(await this.reserveSlot(sender, now, cost, maxBacklogMs));
    return slots;
  }

  async reserveSlot(sender: string, now: number, costMs: number, maxBacklogMs: number): Promise<number | undefined> {
    const runAt = Math.max(now, this.schedule.get(sender) ?? 0);
    if (runAt - now > maxBacklogMs) return undefined;
    this.schedule.set(sender, runAt + costMs);
    return Math.ceil(runAt);
  }

  async claimDue(worker: string, limit: number, now: number, leaseMs: number): Promise<MessageRow[]> {
    const due = [...this.rows.values()]
      .filter((m) => m.run_at !== null && m.run_at <= now && (m.locked_until === null || m.locked_until < now))
      .sort((a, b) => (a.run_at ?? 0) - (b.run_at ?? 0))
      .slice(0, limit);
    for (const m of due) Object.assign(m, { locked_by: worker, locked_until: now + leaseMs, attempts: m.attempts + 1 });
    this.claims.push(due.length);
    return due.map((m) => ({ ...m }));
  }

  private write(sids: readonly string[]): void {
    const refused = sids.find((s) => this.refuse.has(s));
    if (refused) throw new Error(`store refused message ${refused}`);
  }

  async transition(sid: string, from: readonly string[], changes: MessageChanges): Promise<boolean> {
    this.write([sid]);
    const row = this.rows.get(sid);
    if (!row || !from.includes(row.status)) return false;
    Object.assign(row, defined(changes));
    return true;
  }

  async transitionMany(sids: readonly string[], from: readonly string[], changes: MessageChanges): Promise<Set<string>> {
    this.write(sids);
    const moved = new Set<string>();
    for (const sid of sids) if (await this.transition(sid, from, changes)) moved.add(sid);
    return moved;
  }

  async transitionManyWithIds(items: readonly { sid: string; carrierIds: string }[], from: readonly string[], changes: MessageChanges): Promise<Set<string>> {
    this.write(items.map((i) => i.sid));
    const moved = new Set<string>();
    for (const i of items) if (await this.transition(i.sid, from, { ...changes, carrier_ids: i.carrierIds })) moved.add(i.sid);
    return moved;
  }

  async transitionEach(items: readonly { sid: string; changes: MessageChanges }[], from: readonly string[]): Promise<Set<string>> {
    this.write(items.map((i) => i.sid));
    const moved = new Set<string>();
    for (const i of items) if (await this.transition(i.sid, from, i.changes)) moved.add(i.sid);
    return moved;
  }

  async findMany(sids: readonly string[]): Promise<Map<string, MessageRow>> {
    const found = new Map<string, MessageRow>();
    for (const sid of sids) {
      const row = this.rows.get(sid);
      if (row) found.set(sid, { ...row });
    }
    return found;
  }

  async update(sid: string, changes: MessageChanges): Promise<void> {
    this.write([sid]);
    const row = this.rows.get(sid);
    if (row) Object.assign(row, defined(changes));
  }

  async find(sid: string): Promise<MessageRow | undefined> {
    const row = this.rows.get(sid);
    return row && { ...row };
  }

  async findOwned(accountSid: string, sid: string): Promise<MessageRow | undefined> {
    const row = this.rows.get(sid);
    return row?.account_sid === accountSid ? { ...row } : undefined;
  }

  async list(accountSid: string): Promise<Page<MessageRow>> {
    return page([...this.rows.values()].filter((m) => m.account_sid === accountSid).map((m) => ({ ...m })));
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    return this.rows.get(sid)?.account_sid === accountSid && this.rows.delete(sid);
  }
}

export class MemoryParts
  implements Pick<MessagePartsRepository, 'insert' | 'find' | 'findWithMessage' | 'findManyWithMessage' | 'forMessage' | 'update' | 'lockMessage'>, Restorable
{
  rows: MessagePartRow[] = [];

  constructor(private readonly messages: MemoryMessages) {}

  snapshot(): () => void {
    const rows = this.rows.map((r) => ({ ...r }));
    return () => {
      this.rows = rows;
    };
  }

  async insert(rows: MessagePartRow[]): Promise<void> {
    for (const r of rows) {
      this.rows = this.rows.filter((p) => p.carrier !== r.carrier || p.carrier_id !== r.carrier_id);
      this.rows.push({ ...r });
    }
  }

  async find(carrier: string, carrierId: string): Promise<MessagePartRow | undefined> {
    return this.rows.find((p) => p.carrier === carrier && p.carrier_id === carrierId);
  }

  async findWithMessage(carrier: string, carrierId: string): Promise<{ total: number; message: MessageRow } | undefined> {
    const part = await this.find(carrier, carrierId);
    const message = part && (await this.messages.find(part.message_sid));
    return part && message ? { total: part.total, message } : undefined;
  }

  async findManyWithMessage(carrier: string, carrierIds: readonly string[]): Promise<Map<string, { total: number; message: MessageRow }>> {
    const found = new Map<string, { total: number; message: MessageRow }>();
    for (const id of carrierIds) {
      const hit = await this.findWithMessage(carrier, id);
      if (hit) found.set(id, hit);
    }
    return found;
  }

  async forMessage(messageSid: string): Promise<MessagePartRow[]> {
    return this.rows.filter((p) => p.message_sid === messageSid).sort((a, b) => a.seq - b.seq);
  }

  async update(carrier: string, carrierId: string, changes: { status: string; error_code: number | null; date_updated: number }): Promise<void> {
    const part = await this.find(carrier, carrierId);
    if (part) Object.assign(part, changes);
  }

  async lockMessage(): Promise<void> {}
}

type NumberSlice = 'insertIfFree' | 'findOwned' | 'findByNumber' | 'ownedNumbersAmong' | 'list' | 'update' | 'delete';

/** Phone numbers, unique by number across accounts as the table is. */
export class MemoryPhoneNumbers implements Pick<PhoneNumbersRepository, NumberSlice> {
  readonly rows = new Map<string, PhoneNumberRow>();

  constructor(...rows: PhoneNumberRow[]) {
    for (const r of rows) this.rows.set(r.phone_number, { ...r });
  }

  private bySid(accountSid: string, sid: string): PhoneNumberRow | undefined {
    return [...this.rows.values()].find((n) => n.sid === sid && n.account_sid === accountSid);
  }

  async insertIfFree(row: PhoneNumberRow): Promise<boolean> {
    if (this.rows.has(row.phone_number)) return false;
    this.rows.set(row.phone_number, { ...row });
    return true;
  }

  async findOwned(accountSid: string, sid: string): Promise<PhoneNumberRow | undefined> {
    const row = this.bySid(accountSid, sid);
    return row && { ...row };
  }

  async findByNumber(phoneNumber: string): Promise<PhoneNumberRow | undefined> {
    const row = this.rows.get(phoneNumber);
    return row && { ...row };
  }

  async ownedNumbersAmong(candidates: string[]): Promise<Set<string>> {
    return new Set(candidates.filter((c) => this.rows.has(c)));
  }

  async list(accountSid: string): Promise<Page<PhoneNumberRow>> {
    return page([...this.rows.values()].filter((n) => n.account_sid === accountSid));
  }

  async update(accountSid: string, sid: string, changes: PhoneNumberChanges): Promise<void> {
    const row = this.bySid(accountSid, sid);
    if (row) Object.assign(row, changes);
  }

  async delete(accountSid: string, sid: string): Promise<boolean> {
    const row = this.bySid(accountSid, sid);
    return row !== undefined && this.rows.delete(row.phone_number);
  }
}

/** Messaging Services with their sender pools (numbers whose messaging_service_sid names them) and sticky senders. */
export class MemoryMessagingServices implements Pick<MessagingServicesRepository, 'findOwned' | 'senders' | 'stickySender' | 'setStickySender'> {
  readonly rows = new Map<string, MessagingServiceRow>();
  readonly sticky = new Map<string, string>();

  constructor(
    private readonly numbers: MemoryPhoneNumbers,
    ...rows: MessagingServiceRow[]
  ) {
    for (const r of rows) this.rows.set(r.sid, r);
  }

  async findOwned(accountSid: string, sid: string): Promise<MessagingServiceRow | undefined> {
    const row = this.rows.get(sid);
    return row?.account_sid === accountSid ? row : undefined;
  }

  async senders(serviceSid: string): Promise<PhoneNumberRow[]> {
    return [...this.numbers.rows.values()].filter((n) => n.messaging_service_sid === serviceSid);
  }

  async stickySender(serviceSid: string, recipient: string): Promise<string | undefined> {
    return this.sticky.get(`${serviceSid}|${recipient}`);
  }

  async setStickySender(serviceSid: string, recipient: string, sender: string): Promise<void> {
    this.sticky.set(`${serviceSid}|${recipient}`, sender);
  }
}

export class MemoryOptOuts implements Pick<OptOutsRepository, 'add' | 'remove' | 'isOptedOut'>, Restorable {
  entries = new Set<string>();

  snapshot(): () => void {
    const entries = new Set(this.entries);
    return () => {
      this.entries = entries;
    };
  }

  async add(accountSid: string, sender: string, recipient: string): Promise<void> {
    this.entries.add(`${accountSid}|${sender}|${recipient}`);
  }

  async remove(accountSid: string, sender: string, recipient: string): Promise<void> {
    this.entries.delete(`${accountSid}|${sender}|${recipient}`);
  }

  async isOptedOut(accountSid: string, senders: string[], recipient: string): Promise<boolean> {
    return senders.some((s) => this.entries.has(`${accountSid}|${s}|${recipient}`));
  }
}

export class MemoryApplications implements Pick<ApplicationsRepository, 'findOwned'> {
  readonly rows: ApplicationRow[];

  constructor(...rows: ApplicationRow[]) {
    this.rows = rows;
  }

  async findOwned(accountSid: string, sid: string): Promise<ApplicationRow | undefined> {
    return this.rows.find((a) => a.sid === sid && a.account_sid === accountSid);
  }
}
