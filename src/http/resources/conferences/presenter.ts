import { rfc2822 } from '../../../core/dates.js';
import type { ConferenceRow, ParticipantRow } from '../../../store/repositories/conferences.js';

/** Twilio's Conference JSON. */
export function presentConference(r: ConferenceRow) {
  const uri = `/2010-04-01/Accounts/${r.account_sid}/Conferences/${r.sid}`;
  return {
    account_sid: r.account_sid,
    api_version: '2010-04-01',
    call_sid_ending_conference: r.call_sid_ending_conference,
    date_created: rfc2822(r.date_created),
    date_updated: rfc2822(r.date_updated),
    friendly_name: r.friendly_name,
    reason_conference_ended: r.reason_conference_ended,
    region: r.region,
    sid: r.sid,
    status: r.status,
    subresource_uris: {
      participants: `${uri}/Participants.json`,
      recordings: `${uri}/Recordings.json`,
    },
    uri: `${uri}.json`,
  };
}

/** Twilio's Participant JSON. */
export function presentParticipant(r: ParticipantRow) {
  return {
    account_sid: r.account_sid,
    call_sid: r.call_sid,
    call_sid_to_coach: r.call_sid_to_coach,
    coaching: r.call_sid_to_coach !== null,
    conference_sid: r.conference_sid,
    date_created: rfc2822(r.date_created),
    date_updated: rfc2822(r.date_updated),
    end_conference_on_exit: r.end_conference_on_exit === 1,
    hold: r.hold === 1,
    label: r.label,
    muted: r.muted === 1,
    queue_time: null,
    start_conference_on_enter: r.start_conference_on_enter === 1,
    status: r.status,
    uri: `/2010-04-01/Accounts/${r.account_sid}/Conferences/${r.conference_sid}/Participants/${r.call_sid}.json`,
  };
}
