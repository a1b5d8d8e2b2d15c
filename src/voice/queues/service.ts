/**
 * The Queues resource and its Members: create, list, fetch, update and delete queues (friendly_name unique
 * per account, max_size 1 to 5000, default 1000); list and fetch members (by CallSid or `Front`), and
 * dequeue one into new TwiML. Sizes and waits are read from the member rows, so any node answers alike.
 */
import type { Clock } from '../../core/clock.js';
import { errors } from '../../core/errors.js';
import { newSid } from '../../core/sid.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { QueueMemberRow, QueueRow, QueuesRepository } from '../../store/repositories/queues.js';
import type { DequeueTarget } from './types.js';

export const DEFAULT_MAX_SIZE = 1000;
export const MAX_MAX_SIZE = 5000;
export const MAX_NAME = 64;

/** Views carry their row's paging key (date_created, sid) so list envelopes can page them. */
export interface QueueView {
  date_created: number;
  sid: string;
  row: QueueRow;
  size: number;
  /** Seconds, averaged over the calls waiting now (Twilio computes it at the time of the request). */
  averageWait: number;
}

export interface MemberView {
  date_created: number;
  sid: string;
  row: QueueMemberRow;
  position: number;
  waitTime: number;
}

export interface QueuesServiceDeps {
  repo: QueuesRepository;
  clock: Clock;
  /** Sends a waiting call on to `target`; false when the call is not run by this node. */
  dequeue: (callSid: string, target: DequeueTarget) => Promise<boolean>;
}

export class QueuesService {
  constructor(private readonly d: QueuesServiceDeps) {}

  async create(accountSid: string, input: { friendlyName?: string | undefined; maxSize?: number | undefined }): Promise<QueueView> {
    const name = input.friendlyName;
    if (name === undefined || name === '') throw errors.missingParameter('FriendlyName');
    if (name.length > MAX_NAME) throw errors.friendlyNameTooLong('FriendlyName', MAX_NAME);
    const now = this.d.clock.now();
    const row: QueueRow = {
      sid: newSid('QU'),
      account_sid: accountSid,
      friendly_name: name,
      max_size: input.maxSize ?? DEFAULT_MAX_SIZE,
      date_created: now,
      date_updated: now,
    };
    if (!(await this.d.repo.insertIfNameFree(row))) throw errors.queueNameTaken(name);
    return { date_created: row.date_created, sid: row.sid, row, size: 0, averageWait: 0 };
  }

  /** <Enqueue> creates the queue it names when the account has none of that name (as Twilio does). */
  async findOrCreate(accountSid: string, name: string, maxSize: number | null): Promise<QueueRow> {
    const known = await this.d.repo.findByName(accountSid, name);
    if (known) return known;
    try {
      return (await this.create(accountSid, { friendlyName: name, maxSize: maxSize ?? undefined })).row;
    } catch (err) {
      // Created by someone else meanwhile.
      const raced = await this.d.repo.findByName(accountSid, name);
      if (raced) return raced;
      throw err;
    }
  }

  findByName(accountSid: string, name: string): Promise<QueueRow | undefined> {
    return this.d.repo.findByName(accountSid, name);
  }

  async list(accountSid: string, page: PageQuery): Promise<Page<QueueView>> {
    const rows = await this.d.repo.list(accountSid, page);
    const loads = await this.d.repo.loads(rows.items.map((r) => r.sid));
    const now = this.d.clock.now();
    return { ...rows, items: rows.items.map((row) => this.view(row, loads.get(row.sid), now)) };
  }

  async find(accountSid: string, sid: string): Promise<QueueView> {
    const row = await this.row(accountSid, sid);
    const loads = await this.d.repo.loads([sid]);
    return this.view(row, loads.get(sid), this.d.clock.now());
  }

  async update(accountSid: string, sid: string, input: { friendlyName?: string | undefined; maxSize?: number | undefined }): Promise<QueueView> {
    const row = await this.row(accountSid, sid);
    const changes: { friendly_name?: string; max_size?: number; date_updated: number } = { date_updated: this.d.clock.now() };
    if (input.friendlyName !== undefined && input.friendlyName !== row.friendly_name) {
      if (input.friendlyName === '') throw errors.invalidParameter('FriendlyName', 'must not be empty');
      if (input.friendlyName.length > MAX_NAME) throw errors.friendlyNameTooLong('FriendlyName', MAX_NAME);
      if (await this.d.repo.findByName(accountSid, input.friendlyName)) throw errors.queueNameTaken(input.friendlyName);
      changes.friendly_name = input.friendlyName;
    }
    if (input.maxSize !== undefined) changes.max_size = input.maxSize;
    await this.d.repo.update(accountSid, sid, changes);
    return this.find(accountSid, sid);
  }

  /** Twilio removes empty queues only. */
  async delete(accountSid: string, sid: string): Promise<void> {
    await this.row(accountSid, sid);
    if ((await this.d.repo.loads([sid])).get(sid)?.size) throw errors.queueNotEmpty();
    await this.d.repo.delete(accountSid, sid);
  }

  async members(accountSid: string, queueSid: string, page: PageQuery): Promise<Page<MemberView>> {
    await this.row(accountSid, queueSid);
    const rows = await this.d.repo.listMembers(queueSid, page);
    const line = await this.d.repo.line(queueSid);
    const now = this.d.clock.now();
    return { ...rows, items: rows.items.map((row) => this.member(row, line, now)) };
  }

  /** A member by its CallSid, or `Front`: the call at the head of the line. */
  async findMember(accountSid: string, queueSid: string, callSid: string): Promise<MemberView> {
    await this.row(accountSid, queueSid);
    const row = callSid === 'Front' ? await this.d.repo.front(queueSid) : await this.d.repo.findMember(queueSid, callSid);
    if (!row) throw errors.notFound('Queue member', callSid);
    return this.member(row, await this.d.repo.line(queueSid), this.d.clock.now());
  }

  /** Takes the member out of the queue and runs `target` on its call; the answer describes it as it was. */
  async dequeue(accountSid: string, queueSid: string, callSid: string, target: DequeueTarget): Promise<MemberView> {
    const view = await this.findMember(accountSid, queueSid, callSid);
    if (!(await this.d.dequeue(view.row.call_sid, target))) {
      throw errors.callInvalidState('the call is run by another Switchboard node or was interrupted by a restart');
    }
    return view;
  }

  private async row(accountSid: string, sid: string): Promise<QueueRow> {
    const row = await this.d.repo.find(accountSid, sid);
    if (!row) throw errors.notFound('Queue', sid);
    return row;
  }

  private view(row: QueueRow, load: { size: number; enqueuedSum: number } | undefined, now: number): QueueView {
    const key = { date_created: row.date_created, sid: row.sid };
    if (!load || load.size === 0) return { ...key, row, size: 0, averageWait: 0 };
    return { ...key, row, size: load.size, averageWait: Math.max(0, Math.round((now * load.size - load.enqueuedSum) / load.size / 1000)) };
  }

  private member(row: QueueMemberRow, line: string[], now: number): MemberView {
    return {
      date_created: row.date_created,
      sid: row.sid,
      row,
      position: line.indexOf(row.call_sid) + 1,
      waitTime: Math.max(0, Math.round((now - row.date_created) / 1000)),
    };
  }
}
