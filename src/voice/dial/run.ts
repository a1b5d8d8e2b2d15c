/**
 * The <Dial> executor: every noun's attempts ring at once, the first to answer wins and the others are
 * canceled, the caller hears ringback meanwhile, and the winner is connected (bridged) until one side
 * leaves: the party hangs up (or is completed through the API), the caller hangs up or is redirected, the
 * caller presses * (hangupOnStar), or timeLimit runs out. Nouns plug in through NounDialer (types.ts).
 */
import type { AlertKind } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { DialTarget, DialVerb } from '../../twiml/index.js';
import { toE164 } from '../../core/phone/e164.js';
import type { CallLeg } from '../legs/types.js';
import { DialRecording, type DialRecordings } from './recording.js';
import { ringback } from './ringback.js';
import type { DialAttempt, DialContext, DialResult, LegOutcome, NounDialer, Party, UnansweredStatus } from './types.js';

export type NounDialers = { [K in DialTarget['noun']]?: NounDialer<Extract<DialTarget, { noun: K }>> };

export interface DialDeps {
  nouns: NounDialers;
  /** A number the account owns or verified (OutgoingCallerIds). */
  isAccountNumber: (accountSid: string, number: string) => Promise<boolean>;
  recordings: DialRecordings;
  now: () => number;
}

/** What the calling session gives the executor. */
export interface DialHost {
  readonly parent: CallRow;
  readonly verb: DialVerb;
  readonly leg: CallLeg;
  /** Aborts when the caller hangs up (reason `hangup`) or is redirected through the API. */
  readonly signal: AbortSignal;
  readonly answered: boolean;
  answer(): Promise<void>;
  resolve(url: string): string | null;
  alert(kind: AlertKind, detail: string): Promise<void>;
}

export async function runDial(d: DialDeps, host: DialHost): Promise<DialResult> {
  const { verb } = host;
  const nouns = verb.targets.filter((t) => d.nouns[t.noun] !== undefined);
  for (const name of new Set(verb.targets.filter((t) => !d.nouns[t.noun]).map((t) => t.noun))) {
    await host.alert('voiceVerbUnsupported', `<Dial><${name}> is not supported by Switchboard yet`);
  }
  if (nouns.length === 0) return { status: 'failed', callSid: null, durationSeconds: null, bridged: false, unsupported: true, recording: null };
  await warnIgnored(host);

  const callerId = await checkCallerId(d, host, nouns);
  if (callerId === null) return unanswered('failed', null);
  const ctx: DialContext = {
    parent: host.parent,
    verb,
    callerId,
    callerLeg: host.leg,
    resolve: (url) => host.resolve(url),
    alert: (kind, detail) => host.alert(kind, detail),
  };
  const attempts = (await Promise.all(nouns.map((n) => startNoun(d, n, ctx)))).flat();
  const recording = DialRecording.of(d.recordings, verb, host.parent, host.leg.media, host.resolve, d.now);
  if (recording?.fromRinging) recording.start();
  const ringing = host.answered ? host.leg.media?.play(ringback(verb.ringTone), { loop: 0 }) : undefined;
  const first = await firstAnswer(attempts, host.signal);
  if (ringing) host.leg.media?.stopPlayback();
  if ('outcomes' in first) {
    await recording?.finish(false);
    return pickStatus(first.outcomes, host.signal.aborted);
  }
  const result = await connect(host, first.party, recording);
  const saved = await recording?.finish(result.bridged).catch(async (err: unknown) => {
    await host.alert('voiceCallFailed', `the <Dial> recording could not be stored: ${(err as Error).message}`);
    return null;
  });
  return saved ? { ...result, recording: saved } : result;
}

async function startNoun(d: DialDeps, noun: DialTarget, ctx: DialContext): Promise<DialAttempt[]> {
  const dialer = d.nouns[noun.noun] as NounDialer | undefined;
  return dialer ? dialer.start(noun, ctx) : [];
}

/** Attributes accepted but not acted on yet: said once, in the call's alerts, rather than silently dropped. */
async function warnIgnored(host: DialHost): Promise<void> {
  const { verb } = host;
  const ignored: string[] = [];
  if (verb.sequential) ignored.push('sequential (the numbers ring at once)');
  if (verb.record !== 'do-not-record' && verb.recordingTrack !== 'both') ignored.push(`recordingTrack="${verb.recordingTrack}" (both parties are recorded)`);
  if (ignored.length) await host.alert('voiceVerbUnsupported', `<Dial> attributes Switchboard does not support yet were ignored: ${ignored.join('; ')}`);
}

/**
 * Twilio: callerId is the caller's or the called number, a number of the account or a verified caller ID
 * (13214 otherwise); it defaults to the caller's number. A SIP-only dial may also use a SIP user name.
 */
async function checkCallerId(d: DialDeps, host: DialHost, nouns: DialTarget[]): Promise<string | null> {
  const raw = host.verb.callerId;
  const p = host.parent;
  if (raw === null || raw.trim() === '') return p.from_number;
  const e164 = toE164(raw);
  if (e164 !== null) {
    if (e164 === p.from_number || e164 === p.to_number || (await d.isAccountNumber(p.account_sid, e164))) return e164;
  } else if (nouns.every((n) => n.noun === 'Sip') && /^[A-Za-z0-9._+-]{1,64}$/.test(raw)) {
    return raw;
  }
  await host.alert('dialInvalidCallerId', `callerId "${raw}" is not the caller's or the called number, a number of this account or a verified caller ID`);
  return null;
}

type First = { party: Party } | { outcomes: Array<{ status: LegOutcome; sid: string | null }> };

/** The first attempt to answer; the rest are canceled (one answering a moment later is hung up). */
function firstAnswer(attempts: DialAttempt[], signal: AbortSignal): Promise<First> {
  return new Promise((resolve) => {
    if (attempts.length === 0) return resolve({ outcomes: [] });
    let won = false;
    let pending = attempts.length;
    const outcomes: Array<{ status: LegOutcome; sid: string | null }> = [];
    const cancelAll = (): void => {
      for (const a of attempts) a.cancel();
    };
    const onAbort = (): void => cancelAll();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) cancelAll();
    for (const a of attempts) {
      // A leg whose bookkeeping failed (the store) counts as failed; it must not stall or crash the dial.
      const settled = a.result.catch((): { status: LegOutcome; sid: string | null } => ({ status: 'failed', sid: a.sid }));
      void settled.then((r) => {
        pending--;
        if ('party' in r) {
          if (won || signal.aborted) void r.party.hangup();
          else {
            won = true;
            signal.removeEventListener('abort', onAbort);
            cancelAll();
            resolve({ party: r.party });
          }
        } else outcomes.push(r);
        if (pending === 0 && !won) {
          signal.removeEventListener('abort', onAbort);
          resolve({ outcomes });
        }
      });
    }
  });
}

/**
 * The status reported when nobody was connected. One attempt: its own. Several: a party that answered but
 * declined in its whisper first (reported `completed`: that call did complete, and DialBridged=false says
 * nobody was connected), then no-answer if any rang out, busy, canceled, failed. A caller who hung up while
 * it rang: canceled.
 */
function pickStatus(outcomes: Array<{ status: LegOutcome; sid: string | null }>, callerGone: boolean): DialResult {
  const order: LegOutcome[] = callerGone ? ['canceled'] : ['declined', 'no-answer', 'busy', 'canceled', 'failed'];
  for (const status of order) {
    const hit = outcomes.find((o) => o.status === status);
    if (hit) return status === 'declined' ? { ...unanswered('failed', hit.sid), status: 'completed' } : unanswered(status, hit.sid);
  }
  return unanswered(callerGone ? 'canceled' : 'failed', outcomes[0]?.sid ?? null);
}

function unanswered(status: UnansweredStatus, sid: string | null): DialResult {
  return { status, callSid: sid, durationSeconds: null, bridged: false, unsupported: false, recording: null };
}

type Ending = 'gone' | 'caller' | 'star' | 'limit';

async function connect(host: DialHost, party: Party, recording: DialRecording | null): Promise<DialResult> {
  const done = (): DialResult => ({
    status: 'completed',
    callSid: party.sid,
    durationSeconds: party.duration(),
    bridged: true,
    unsupported: false,
    recording: null,
  });
  let gone = false;
  party.onGone(() => (gone = true));
  if (!host.answered && !host.signal.aborted) await host.answer(); // answerOnBridge: the caller is answered now
  await party.prepare();
  if (host.signal.aborted || gone) {
    if (!gone) await party.hangup();
    return done();
  }
  if (!party.connect(host.leg)) {
    if (!gone) {
      await host.alert('voiceCallFailed', 'the dialled party could not be bridged to the caller (their media runs on different engine threads)');
      await party.hangup();
      return { ...done(), status: 'failed', bridged: false };
    }
    return done();
  }
  recording?.start();
  const why = await new Promise<Ending>((resolve) => {
    const cleanup: Array<() => void> = [];
    const end = (e: Ending): void => {
      recording?.stop(); // before anything closes the caller's media
      for (const c of cleanup) c();
      cleanup.length = 0;
      resolve(e);
    };
    party.onGone(() => end('gone'));
    const onAbort = (): void => end('caller');
    host.signal.addEventListener('abort', onAbort, { once: true });
    cleanup.push(() => host.signal.removeEventListener('abort', onAbort));
    if (host.signal.aborted) end('caller');
    if (host.verb.hangupOnStar) cleanup.push(host.leg.onDigit((digit) => digit === '*' && end('star')));
    const limit = setTimeout(() => end('limit'), host.verb.timeLimit * 1000);
    cleanup.push(() => clearTimeout(limit));
  });
  party.disconnect();
  if (why !== 'gone') await party.hangup();
  return done();
}
