/**
 * The Conferences and Participants resources: rows from the store (any node answers a list or a fetch),
 * changes through the runtime of this node, which runs the live conference. A conference that is not live
 * here cannot be changed (it ended, or it runs on another node: said plainly in the error).
 */
import { errors } from '../../core/errors.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { ConferenceFilter, ConferenceRow, ConferencesRepository, ParticipantFilter, ParticipantRow } from '../../store/repositories/conferences.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { ConferenceRuntime, ParticipantUpdate } from './runtime.js';

export interface ConferencesServiceDeps {
  repo: ConferencesRepository;
  runtime: ConferenceRuntime;
}

export interface ConferenceUpdate {
  status?: 'completed' | undefined;
  announce?: { url: string; method: HttpMethod } | undefined;
}

export interface ParticipantChanges extends ParticipantUpdate {
  announce?: { url: string; method: HttpMethod } | undefined;
}

export class ConferencesService {
  constructor(private readonly d: ConferencesServiceDeps) {}

  list(accountSid: string, f: ConferenceFilter, page: PageQuery): Promise<Page<ConferenceRow>> {
    return this.d.repo.list(accountSid, f, page);
  }

  async find(accountSid: string, sid: string): Promise<ConferenceRow> {
    const row = await this.d.repo.find(accountSid, sid);
    if (!row) throw errors.notFound('Conference', sid);
    return row;
  }

  /** Status=completed ends it for everyone; AnnounceUrl plays to everyone. */
  async update(accountSid: string, sid: string, u: ConferenceUpdate): Promise<ConferenceRow> {
    const row = await this.find(accountSid, sid);
    if (row.status !== 'completed') {
      if (u.announce && !this.d.runtime.announce(sid, null, u.announce)) throw notHere(sid);
      if (u.status === 'completed' && !(await this.d.runtime.end(sid))) throw notHere(sid);
    }
    return this.find(accountSid, sid);
  }

  async participants(accountSid: string, conferenceSid: string, f: ParticipantFilter): Promise<ParticipantRow[]> {
    await this.find(accountSid, conferenceSid);
    return this.d.repo.participants(conferenceSid, f);
  }

  async participant(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<ParticipantRow> {
    await this.find(accountSid, conferenceSid);
    const row = await this.d.repo.findParticipant(conferenceSid, callSidOrLabel);
    if (!row) throw errors.notFound('Participant', callSidOrLabel);
    return row;
  }

  async updateParticipant(accountSid: string, conferenceSid: string, callSidOrLabel: string, u: ParticipantChanges): Promise<ParticipantRow> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    const { announce, ...changes } = u;
    if (Object.keys(changes).length > 0 && !(await this.d.runtime.update(conferenceSid, row.call_sid, changes))) throw notHere(conferenceSid);
    if (announce && !this.d.runtime.announce(conferenceSid, row.call_sid, announce)) throw notHere(conferenceSid);
    return this.participant(accountSid, conferenceSid, row.call_sid);
  }

  async kick(accountSid: string, conferenceSid: string, callSidOrLabel: string): Promise<void> {
    const row = await this.participant(accountSid, conferenceSid, callSidOrLabel);
    if (!(await this.d.runtime.kick(conferenceSid, row.call_sid))) throw notHere(conferenceSid);
  }
}

function notHere(sid: string): Error {
  return errors.invalidParameter(
    'ConferenceSid',
    `conference ${sid} is not running on this node (it ended, or another node runs it): send the request to that node`,
  );
}
