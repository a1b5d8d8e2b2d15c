/**
 * Transcriptions of recordings (<Record transcribe="true">): a TR row `in-progress` as soon as the recording
 * is kept, then the whole recording goes to the speech recognizer (its own process, so nothing here blocks)
 * and the row becomes `completed` with the text, or `failed`; `transcribeCallback` then gets Twilio's
 * parameters as a durable webhook job. As on Twilio, only recordings of 2 to 120 seconds are transcribed
 * (others fail at once), the type is `fast`, and the price is null. A transcription interrupted by a
 * restart stays `in-progress` (the recognition ran in the process that died).
 */
import type { Clock } from '../../core/clock.js';
import { errors } from '../../core/errors.js';
import { newSid } from '../../core/sid.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Page, PageQuery } from '../../store/paging.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { TranscriptionRow, TranscriptionsRepository } from '../../store/repositories/transcriptions.js';
import type { HttpMethod } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import { callParams } from '../calls/params.js';
import type { SpeechRecognizer } from '../speech/index.js';

export const TRANSCRIBE_MIN_SECONDS = 2;
export const TRANSCRIBE_MAX_SECONDS = 120;

export interface TranscriptionsDeps {
  repo: TranscriptionsRepository;
  jobs: JobQueue;
  webhooks: WebhookDispatcher;
  clock: Clock;
  publicUrl: () => string;
  /** Null: every transcription fails (no recognizer configured). */
  speech: SpeechRecognizer | null;
  onError: (err: unknown) => void;
}

export interface TranscriptionRequest {
  call: CallRow;
  recordingSid: string;
  recordingUrl: string;
  pcm: Int16Array;
  callback: { url: string; method: HttpMethod } | null;
}

export class TranscriptionsService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly d: TranscriptionsDeps) {}

  urlOf(accountSid: string, sid: string): string {
    return `${this.d.publicUrl()}/2010-04-01/Accounts/${accountSid}/Transcriptions/${sid}`;
  }

  /** Stores the transcription as in-progress and starts it; resolves once stored (the text comes later). */
  async start(r: TranscriptionRequest): Promise<string> {
    const now = this.d.clock.now();
    const sid = newSid('TR');
    const duration = Math.round(r.pcm.length / 8000);
    await this.d.repo.insert({
      sid,
      account_sid: r.call.account_sid,
      recording_sid: r.recordingSid,
      call_sid: r.call.sid,
      status: 'in-progress',
      transcription_text: null,
      duration,
      error_code: null,
      date_created: now,
      date_updated: now,
    });
    const run = this.run(sid, r, duration).catch(this.d.onError);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return sid;
  }

  /** Waits for the transcriptions under way (a graceful stop). */
  async drain(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(sid: string, r: TranscriptionRequest, duration: number): Promise<void> {
    let text: string | null = null;
    if (this.d.speech && duration >= TRANSCRIBE_MIN_SECONDS && duration <= TRANSCRIBE_MAX_SECONDS) {
      try {
        text = (await this.d.speech.recognize({ pcm: r.pcm, language: 'en-US', hints: [], model: null })).text;
      } catch (err) {
        this.d.onError(err);
      }
    }
    const status = text === null ? 'failed' : 'completed';
    if (!(await this.d.repo.finish(sid, status, text, null, this.d.clock.now()))) return; // deleted meanwhile
    if (r.callback === null) return;
    const params: Record<string, string> = {
      ...callParams(r.call),
      TranscriptionSid: sid,
      TranscriptionText: text ?? '',
      TranscriptionStatus: status,
      TranscriptionUrl: this.urlOf(r.call.account_sid, sid),
      TranscriptionType: 'fast',
      RecordingSid: r.recordingSid,
      RecordingUrl: r.recordingUrl,
    };
    await this.d.jobs.enqueue([
      this.d.webhooks.job({
        accountSid: r.call.account_sid,
        resourceSid: sid,
        purpose: 'transcription',
        primary: { url: r.callback.url, method: r.callback.method },
        params,
      }),
    ]);
  }

  list(accountSid: string, recordingSid: string | undefined, page: PageQuery): Promise<Page<TranscriptionRow>> {
    return this.d.repo.list(accountSid, recordingSid, page);
  }

  async find(accountSid: string, sid: string, recordingSid?: string): Promise<TranscriptionRow> {
    const row = await this.d.repo.findOwned(accountSid, sid, recordingSid);
    if (!row) throw errors.notFound('Transcription', sid);
    return row;
  }

  async delete(accountSid: string, sid: string, recordingSid?: string): Promise<void> {
    if (!(await this.d.repo.delete(accountSid, sid, recordingSid))) throw errors.notFound('Transcription', sid);
  }
}
