import type { Kysely } from 'kysely';
import { paginate, type Page, type PageQuery } from '../paging.js';
import type { ConferenceParticipantsTable, ConferencesTable, Database } from '../schema.js';

export type ConferenceRow = ConferencesTable;
export type ParticipantRow = ConferenceParticipantsTable;

export interface ConferenceFilter {
  friendlyName?: string | undefined;
  status?: string | undefined;
  /** [from, to) of date_created (DateCreated, DateCreated<, DateCreated>). */
  createdOn?: [number, number] | undefined;
  createdBefore?: number | undefined;
  createdAfter?: number | undefined;
}

export interface ParticipantFilter {
  muted?: boolean | undefined;
  hold?: boolean | undefined;
  coaching?: boolean | undefined;
}

export class ConferencesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async saveConference(row: ConferenceRow): Promise<void> {
    const { sid: _sid, account_sid: _a, date_created: _d, ...changes } = row;
    await this.db
      .insertInto('conferences')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet(changes))
      .execute();
  }

  async saveParticipant(row: ParticipantRow): Promise<void> {
    const { conference_sid: _c, call_sid: _s, account_sid: _a, date_created: _d, ...changes } = row;
    await this.db
      .insertInto('conference_participants')
      .values(row)
      .onConflict((oc) => oc.columns(['conference_sid', 'call_sid']).doUpdateSet(changes))
      .execute();
  }

  async removeParticipant(conferenceSid: string, callSid: string): Promise<void> {
    await this.db.deleteFrom('conference_participants').where('conference_sid', '=', conferenceSid).where('call_sid', '=', callSid).execute();
  }

  /** Removes a participant whose call ended before it joined (never one that is connected: its leave removes it). */
  async dropPending(conferenceSid: string, callSid: string): Promise<void> {
    await this.db
      .deleteFrom('conference_participants')
      .where('conference_sid', '=', conferenceSid)
      .where('call_sid', '=', callSid)
      .where('status', '!=', 'connected')
      .execute();
  }

  find(accountSid: string, sid: string): Promise<ConferenceRow | undefined> {
    return this.db.selectFrom('conferences').selectAll().where('sid', '=', sid).where('account_sid', '=', accountSid).executeTakeFirst();
  }

  list(accountSid: string, f: ConferenceFilter, page: PageQuery): Promise<Page<ConferenceRow>> {
    let q = this.db.selectFrom('conferences').selectAll().where('account_sid', '=', accountSid);
    if (f.friendlyName !== undefined) q = q.where('friendly_name', '=', f.friendlyName);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.createdOn) q = q.where('date_created', '>=', f.createdOn[0]).where('date_created', '<', f.createdOn[1]);
    if (f.createdBefore !== undefined) q = q.where('date_created', '<', f.createdBefore);
    if (f.createdAfter !== undefined) q = q.where('date_created', '>=', f.createdAfter);
    return paginate(q, 'desc', page);
  }

  /** The account's conference of this name that has not ended (the newest, should two nodes race), wherever it runs. */
  findLive(accountSid: string, friendlyName: string): Promise<ConferenceRow | undefined> {
    return this.db
      .selectFrom('conferences')
      .selectAll()
      .where('account_sid', '=', accountSid)
      .where('friendly_name', '=', friendlyName)
      .where('status', '!=', 'completed')
      .orderBy('date_created', 'desc')
      .orderBy('sid', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** A participant by CallSid or by label. */
  findParticipant(conferenceSid: string, callSidOrLabel: string): Promise<ParticipantRow | undefined> {
    return this.db
      .selectFrom('conference_participants')
      .selectAll()
      .where('conference_sid', '=', conferenceSid)
      .where((eb) => eb.or([eb('call_sid', '=', callSidOrLabel), eb('label', '=', callSidOrLabel)]))
      .executeTakeFirst();
  }

  /** A conference's participants, in the order they joined (at most 250: no paging needed in SQL). */
  participants(conferenceSid: string, f: ParticipantFilter): Promise<ParticipantRow[]> {
    let q = this.db.selectFrom('conference_participants').selectAll().where('conference_sid', '=', conferenceSid);
    if (f.muted !== undefined) q = q.where('muted', '=', f.muted ? 1 : 0);
    if (f.hold !== undefined) q = q.where('hold', '=', f.hold ? 1 : 0);
    if (f.coaching !== undefined) q = q.where('call_sid_to_coach', f.coaching ? 'is not' : 'is', null);
    return q.orderBy('date_created').orderBy('call_sid').execute();
  }

  /** This node's conferences from a previous life are over: so are their participants. */
  async purgeNode(nodeId: string, now: number): Promise<void> {
    const stale = this.db.selectFrom('conferences').select('sid').where('node_id', '=', nodeId).where('status', '!=', 'completed');
    await this.db.deleteFrom('conference_participants').where('conference_sid', 'in', stale).execute();
    await this.db
      .updateTable('conferences')
      .set({ status: 'completed', reason_conference_ended: 'last-participant-left', date_updated: now })
      .where('node_id', '=', nodeId)
      .where('status', '!=', 'completed')
      .execute();
  }
}
