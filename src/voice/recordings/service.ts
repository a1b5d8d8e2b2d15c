/**
 * Recordings: stored as 8 kHz mu-law in the database (so every node sharing it can serve them), listed
 * and deleted through the 2010 API, downloaded as .wav (16-bit PCM, converted on the fly) or .mp3 (encoded
 * by Debian's `lame` on request; without it, .mp3 is refused with 415 and a clear message).
 */
import type { Clock } from '../../core/clock.js';
import { Mp3EncoderMissing, encodeMp3 } from './mp3.js';
import { rfc2822 } from '../../core/dates.js';
import { errors } from '../../core/errors.js';
import { newSid } from '../../core/sid.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { RecordingFilter, RecordingMeta, RecordingsRepository } from '../../store/repositories/recordings.js';
import type { Transactor } from '../../store/transactor.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import { decodeToPcm, encodePcm, writeWav } from '../media/index.js';
import type { SavedRecording } from '../verbs/index.js';

export type RecordingSource = 'RecordVerb' | 'OutboundAPI' | 'DialVerb' | 'Conference' | 'StartCallRecordingAPI';

/** Where recording status callbacks go; `events` defaults to completed only, as on Twilio. */
export interface RecordingCallback {
  url: string;
  method: HttpMethod;
  events?: readonly string[];
}

export interface RecordingsDeps {
  repo: RecordingsRepository;
  tx: Transactor;
  jobs: JobQueue;
  webhooks: WebhookDispatcher;
  clock: Clock;
  publicUrl: () => string;
}

export class RecordingsService {
  constructor(private readonly d: RecordingsDeps) {}

  /** Twilio's RecordingUrl: absolute, without an extension. */
  urlOf(accountSid: string, sid: string): string {
    return `${this.d.publicUrl()}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`;
  }

  async save(
    call: CallRow,
    pcm: Int16Array,
    startedAt: number,
    source: RecordingSource,
    callback: RecordingCallback | null,
    opts: { sid?: string; channels?: 1 | 2; conferenceSid?: string } = {},
  ): Promise<SavedRecording> {
    const now = this.d.clock.now();
    const sid = opts.sid ?? newSid('RE');
    const channels = opts.channels ?? 1;
    const duration = Math.max(1, Math.round(pcm.length / channels / 8000));
    const url = this.urlOf(call.account_sid, sid);
    const wanted = callback !== null && (callback.events ?? ['completed']).includes('completed');
    const jobs = wanted ? [this.statusJob(call, sid, 'completed', { startedAt, source, channels, callback, duration })] : [];
    // The recording and its status callback commit together: no callback for audio that was not kept.
    await this.d.tx.transaction(async (trx) => {
      await this.d.repo.insert(
        {
          sid,
          account_sid: call.account_sid,
          call_sid: call.sid,
          source,
          status: 'completed',
          channels,
          duration,
          start_time: startedAt,
          error_code: null,
          audio: encodePcm('PCMU', pcm),
          conference_sid: opts.conferenceSid ?? null,
          date_created: now,
          date_updated: now,
        },
        trx,
      );
      await this.d.jobs.enqueue(jobs, trx);
    });
    return { sid, url, durationSeconds: duration };
  }

  /**
   * A recording status callback other than `completed`: `in-progress` when a recording starts, `absent` when
   * it ends with nothing worth keeping (too short or silent). Sent only when `callback.events` asks for it.
   */
  async notify(
    call: CallRow,
    sid: string,
    status: 'in-progress' | 'absent',
    r: { startedAt: number; source: RecordingSource; channels: 1 | 2; callback: RecordingCallback },
  ): Promise<void> {
    if (!(r.callback.events ?? ['completed']).includes(status)) return;
    await this.d.jobs.enqueue([this.statusJob(call, sid, status, { ...r, duration: status === 'absent' ? 0 : null })]);
  }

  private statusJob(
    call: CallRow,
    sid: string,
    status: 'in-progress' | 'completed' | 'absent',
    r: { startedAt: number; source: RecordingSource; channels: 1 | 2; callback: RecordingCallback; duration: number | null },
  ) {
    const params: Record<string, string> = {
      AccountSid: call.account_sid,
      CallSid: call.sid,
      RecordingSid: sid,
      RecordingUrl: this.urlOf(call.account_sid, sid),
      RecordingStatus: status,
      RecordingChannels: String(r.channels),
      RecordingSource: r.source,
      RecordingStartTime: rfc2822(r.startedAt) ?? '',
      ErrorCode: '0',
    };
    if (r.duration !== null) params.RecordingDuration = String(r.duration);
    return this.d.webhooks.job({
      accountSid: call.account_sid,
      resourceSid: sid,
      purpose: 'recording-status',
      primary: { url: r.callback.url, method: r.callback.method },
      params,
    });
  }

  list(accountSid: string, filter: RecordingFilter, page: PageQuery): Promise<Page<RecordingMeta>> {
    return this.d.repo.list(accountSid, filter, page);
  }

  async find(accountSid: string, sid: string): Promise<RecordingMeta> {
    const row = await this.d.repo.findOwned(accountSid, sid);
    if (!row) throw errors.notFound('Recording', sid);
    return row;
  }

  async delete(accountSid: string, sid: string): Promise<void> {
    if (!(await this.d.repo.delete(accountSid, sid))) throw errors.notFound('Recording', sid);
  }

  /** The audio as a file: WAV (PCM16) is served; MP3 needs an encoder this server does not have. */
  async media(accountSid: string, sid: string, format: 'wav' | 'mp3'): Promise<{ contentType: string; data: Buffer }> {
    const audio = await this.d.repo.audio(accountSid, sid);
    if (!audio) throw errors.notFound('Recording', sid);
    const pcm = decodeToPcm('PCMU', audio);
    const channels = (await this.find(accountSid, sid)).channels;
    if (format === 'mp3') {
      try {
        return { contentType: 'audio/mpeg', data: await encodeMp3(pcm, 8000, channels) };
      } catch (err) {
        if (err instanceof Mp3EncoderMissing) throw errors.recordingFormatUnavailable('mp3');
        throw err;
      }
    }
    return { contentType: 'audio/x-wav', data: writeWav(pcm, 'pcm16', 8000, channels) };
  }
}
