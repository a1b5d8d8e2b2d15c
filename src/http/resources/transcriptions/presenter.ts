import { rfc2822 } from '../../../core/dates.js';
import type { TranscriptionRow } from '../../../store/repositories/transcriptions.js';

/** Twilio's Transcription JSON (api.v2010.account.transcription): duration is a string, price null, type fast. */
export const presentTranscription = (t: TranscriptionRow) => ({
  account_sid: t.account_sid,
  api_version: '2010-04-01',
  date_created: rfc2822(t.date_created),
  date_updated: rfc2822(t.date_updated),
  duration: String(t.duration),
  price: null,
  price_unit: 'USD',
  recording_sid: t.recording_sid,
  sid: t.sid,
  status: t.status,
  transcription_text: t.transcription_text,
  type: 'fast',
  uri: `/2010-04-01/Accounts/${t.account_sid}/Transcriptions/${t.sid}.json`,
});
