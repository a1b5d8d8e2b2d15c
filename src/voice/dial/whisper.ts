/**
 * A noun's `url` (the whisper): TwiML run on the dialled party once it answers and before it is connected,
 * while the caller still hears ringing. It may <Say>, <Play> and <Gather> (to accept or decline); <Dial> is
 * not allowed there (13201). The party is accepted when the document runs to its end, and declined by
 * <Hangup> or <Reject>, a document that cannot be fetched, or its own hang-up; a declined leg is hung up
 * and the dial goes on with the others still ringing. https://www.twilio.com/docs/voice/twiml/number#url
 */
import { ALERTS, type AlertKind } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { HttpMethod, VoiceVerb } from '../../twiml/index.js';
import { parseTwiml } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import type { WebhookLog } from '../../webhooks/log.js';
import { callParams } from '../calls/params.js';
import { interpret, type DocumentSource, type InterpreterHost, type LoadedDocument } from '../interpreter.js';
import type { CallLeg } from '../legs/types.js';
import type { RecordingsService } from '../recordings/service.js';
import type { CallControl, Outcome } from '../verbs/index.js';
import { sleep } from '../../core/sleep.js';

export interface WhisperDeps {
  webhooks: Pick<WebhookDispatcher, 'request'>;
  log: Pick<WebhookLog, 'raise'>;
  recordings: Pick<RecordingsService, 'save'>;
  now: () => number;
}

export interface Whisper {
  url: string;
  method: HttpMethod;
}

/** Runs the whisper on an answered leg; true when the party accepted. `signal` aborts it (another won). */
export async function runWhisper(d: WhisperDeps, row: () => CallRow, leg: CallLeg, whisper: Whisper, signal: AbortSignal): Promise<boolean> {
  const host = new WhisperHost(d, row, leg, signal);
  await interpret(host, { kind: 'url', url: whisper.url, method: whisper.method, fallback: null });
  return !host.declined && !signal.aborted;
}

class WhisperHost implements InterpreterHost {
  declined = false;

  constructor(
    private readonly d: WhisperDeps,
    private readonly row: () => CallRow,
    private readonly leg: CallLeg,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => leg.stopAudio(), { once: true });
  }

  get ended(): boolean {
    return this.signal.aborted;
  }

  takePending(): DocumentSource | null {
    return null;
  }

  record(_verb: VoiceVerb, outcome: Outcome): void {
    if (outcome.kind === 'hangup' || outcome.kind === 'reject') this.declined = true;
  }

  /** Only TwiML: a whisper that cannot be fetched or parsed declines the call (an alert says why). */
  async load(source: DocumentSource): Promise<LoadedDocument | null> {
    let xml: string;
    let url: string | null = null;
    if (source.kind === 'twiml') xml = source.xml;
    else {
      const r = await this.d.webhooks.request({
        accountSid: this.row().account_sid,
        resourceSid: this.row().sid,
        purpose: 'voice',
        primary: { url: source.url, method: source.method },
        params: { ...callParams(this.row()), ...source.params },
      });
      if (!r.ok) return this.decline();
      xml = r.body;
      url = r.target.url;
    }
    const parsed = parseTwiml(xml, { dialect: 'voice' });
    if (!parsed.ok) {
      const kind: AlertKind = parsed.alert.code === ALERTS.unsupportedVerb.code ? 'unsupportedVerb' : 'documentParseFailure';
      await this.alert(kind, `the whisper (<Number url>): ${parsed.alert.message}`, url ?? undefined);
      return this.decline();
    }
    return { verbs: parsed.verbs, url };
  }

  private decline(): null {
    this.declined = true;
    return null;
  }

  control(documentUrl: string | null): CallControl {
    const row = this.row();
    const resolve = (u: string): string | null => {
      try {
        return new URL(u, documentUrl ?? undefined).toString();
      } catch {
        return null;
      }
    };
    return {
      callSid: row.sid,
      accountSid: row.account_sid,
      leg: this.leg,
      signal: this.signal,
      documentUrl,
      answered: true,
      onGatherInput: null,
      answer: async () => undefined,
      resolve,
      alert: (kind, detail, url) => this.alert(kind, detail, url),
      saveRecording: (pcm, startedAt, callback) => this.d.recordings.save(this.row(), pcm, startedAt, 'RecordVerb', callback),
      notify: async (url, method, params) => {
        await this.d.webhooks.request({
          accountSid: row.account_sid,
          resourceSid: row.sid,
          purpose: 'voice-action',
          primary: { url, method },
          params: { ...callParams(this.row()), ...params },
        });
      },
      dial: async () => {
        await this.alert('dialFromDialedCall', 'a whisper (<Number url>) cannot <Dial>: the dialled party was not connected');
        return { status: 'failed', callSid: null, durationSeconds: null, bridged: false, unsupported: true, recording: null };
      },
      sleep: (ms) => sleep(ms, this.signal),
      now: this.d.now,
    };
  }

  private async alert(kind: AlertKind, detail: string, url?: string): Promise<void> {
    await this.d.log.raise({ accountSid: this.row().account_sid, kind, detail, resourceSid: this.row().sid, requestUrl: url ?? null });
  }
}
