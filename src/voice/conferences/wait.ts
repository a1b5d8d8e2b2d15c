/**
 * What a participant hears on its own, outside the mix: the waitUrl document while the conference has not
 * started, the holdUrl document while on hold, an announceUrl document once. Without a URL, Switchboard's
 * own hold music loops. Only Play, Say, Pause and Redirect run in these documents (as at Twilio); other
 * verbs raise alert 12200 and are skipped. A wait or hold document is fetched again each time it ends
 * (not sooner than once a second).
 */
import type { AlertKind } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import { parseTwiml, type HttpMethod, type VoiceVerb } from '../../twiml/index.js';
import type { WebhookDispatcher } from '../../webhooks/dispatcher.js';
import { callParams } from '../calls/params.js';
import type { CallLeg } from '../legs/types.js';
import { holdMusic } from '../queues/hold-music.js';
import { sleep } from '../../core/sleep.js';

export interface WaitDeps {
  webhooks: Pick<WebhookDispatcher, 'request'>;
  alert: (call: CallRow, kind: AlertKind, detail: string, url?: string) => Promise<void>;
}

export interface Document {
  url: string;
  method: HttpMethod;
}

const MIN_PASS_MS = 1000;
const MAX_REDIRECTS = 10;

/** Loops the document (or the hold music) on the leg until `signal` aborts. */
export async function loopOnLeg(
  d: WaitDeps,
  call: CallRow,
  leg: CallLeg,
  doc: Document | null,
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const stop = (): void => leg.stopAudio();
  signal.addEventListener('abort', stop, { once: true });
  try {
    if (doc === null) {
      if (leg.media && !signal.aborted) await leg.media.play(holdMusic(), { loop: 0 });
      return;
    }
    while (!signal.aborted) {
      const started = Date.now();
      const ok = await playDocument(d, call, leg, doc, params, signal);
      if (!ok) return; // the alert says why; the participant hears nothing more
      const rest = MIN_PASS_MS - (Date.now() - started);
      if (rest > 0) await sleep(rest, signal).catch(() => undefined);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Plays one document (following its redirects); false when it could not be fetched or parsed. */
export async function playDocument(
  d: WaitDeps,
  call: CallRow,
  leg: CallLeg,
  doc: Document,
  params: Record<string, string>,
  signal: AbortSignal,
): Promise<boolean> {
  let next: Document | null = doc;
  for (let hops = 0; next !== null && hops < MAX_REDIRECTS && !signal.aborted; hops++) {
    const r = await d.webhooks.request({
      accountSid: call.account_sid,
      resourceSid: call.sid,
      purpose: 'voice',
      primary: next,
      params: { ...callParams(call), ...params },
    });
    if (!r.ok || signal.aborted) return false;
    const type = (r.contentType ?? '').toLowerCase();
    let verbs: VoiceVerb[];
    if (type.startsWith('audio/')) verbs = [{ verb: 'Play', url: r.target.url, loop: 1, digits: null }];
    else {
      const parsed = parseTwiml(r.body, { dialect: 'voice' });
      if (!parsed.ok) {
        await d.alert(call, 'documentParseFailure', parsed.alert.message, r.target.url);
        return false;
      }
      verbs = parsed.verbs;
    }
    next = null;
    for (const verb of verbs) {
      if (signal.aborted) return true;
      const base = r.target.url;
      if (verb.verb === 'Redirect') {
        next = { url: new URL(verb.url, base).toString(), method: verb.method };
        break;
      }
      await runVerb(d, call, leg, verb, base);
    }
  }
  return true;
}

async function runVerb(d: WaitDeps, call: CallRow, leg: CallLeg, verb: VoiceVerb, base: string): Promise<void> {
  const once = { loop: 1, interruptible: false };
  try {
    if (verb.verb === 'Play' && verb.url !== null) await leg.play(new URL(verb.url, base).toString(), { ...once, loop: verb.loop });
    else if (verb.verb === 'Say') await leg.say(verb.text, verb.voice, verb.language, { ...once, loop: verb.loop });
    else if (verb.verb === 'Pause') await leg.silence(verb.length * 1000, false);
    else await d.alert(call, 'voiceVerbUnsupported', `<${verb.verb}> is not allowed in a conference's wait, hold or announcement TwiML and was skipped`, base);
  } catch (err) {
    await d.alert(call, 'voiceCallFailed', `the conference audio could not be played: ${(err as Error).message}`, base);
  }
}
