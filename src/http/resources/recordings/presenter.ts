import { rfc2822 } from '../../../core/dates.js';
import type { RecordingMeta } from '../../../store/repositories/recordings.js';

/** `origin` makes media_url absolute, as Twilio's is (the spec's format is uri). */
export const presentRecording = (origin: string) => (r: RecordingMeta) => {
  const uri = `/2010-04-01/Accounts/${r.account_sid}/Recordings/${r.sid}`;
  return {
    account_sid: r.account_sid,
    api_version: '2010-04-01',
    call_sid: r.call_sid,
    conference_sid: r.conference_sid ?? null,
    date_created: rfc2822(r.date_created),
    date_updated: rfc2822(r.date_updated),
    start_time: rfc2822(r.start_time),
    duration: String(r.duration),
    sid: r.sid,
    price: null,
    price_unit: 'USD',
    status: r.status,
    channels: r.channels,
    source: r.source,
    error_code: r.error_code,
    uri: `${uri}.json`,
    encryption_details: null,
    subresource_uris: {
      add_on_results: `${uri}/AddOnResults.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
    media_url: `${origin}${uri}`,
  };
};

/** A recording seen under its conference: Twilio's Conference Recording has no media_url or subresources. */
export const presentConferenceRecording = (r: RecordingMeta) => {
  const { subresource_uris: _subresources, media_url: _media, ...rest } = presentRecording('')(r);
  return { ...rest, uri: `/2010-04-01/Accounts/${r.account_sid}/Conferences/${r.conference_sid}/Recordings/${r.sid}.json` };
};
