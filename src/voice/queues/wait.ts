/**
 * The TwiML a queued caller hears: the waitUrl document, fetched again each time it ends (with the queue's
 * figures), or Switchboard's own hold music; and the <Dial><Queue url> document played to a caller being
 * dequeued. Only the verbs Twilio allows there run: Say, Play, Pause, Gather, Redirect, Leave and Hangup
 * while waiting; Play, Say, Pause and Redirect before the bridge. Others raise alert 12200 and are skipped.
 */
import type { HttpMethod, VoiceVerb } from '../../twiml/index.js';
import type { DocumentSource, LoadedDocument } from '../interpreter.js';
import { executorFor, type CallControl } from '../verbs/index.js';
import { holdMusic } from './hold-music.js';
import { sleep } from '../../core/sleep.js';

export interface WaitHost {
  /** The caller's control for the Enqueue's document. */
  readonly ctl: CallControl;
  /** Aborts when the caller leaves the wait (dequeued, hung up, redirected). */
  readonly signal: AbortSignal;
  load(source: DocumentSource): Promise<LoadedDocument | null>;
}

/** How the wait ended by itself: `stopped` means from outside (the signal). */
export type WaitEnd = 'stopped' | 'leave' | 'hangup' | 'error';

const WAIT_VERBS = new Set(['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Leave', 'Hangup']);
const ANNOUNCE_VERBS = new Set(['Say', 'Play', 'Pause', 'Redirect']);
/** A wait document that finishes at once is not fetched again sooner than this (no hammering the app). */
const MIN_PASS_MS = 1000;

/** Loops Switchboard's hold music until the signal aborts. */
export async function holdMusicUntilStopped(host: WaitHost): Promise<WaitEnd> {
  const media = host.ctl.leg.media;
  // Without media (test fakes) there is nothing to play: just wait for the signal.
  if (media) {
    const stop = (): void => media.stopPlayback();
    host.signal.addEventListener('abort', stop, { once: true });
    if (!host.signal.aborted) await media.play(holdMusic(), { loop: 0 });
    host.signal.removeEventListener('abort', stop);
  }
  if (!host.signal.aborted) await new Promise<void>((resolve) => host.signal.addEventListener('abort', () => resolve(), { once: true }));
  return 'stopped';
}

/** Runs the waitUrl document again and again until the caller leaves the queue. */
export async function runWaitUrl(host: WaitHost, url: string, method: HttpMethod, params: () => Promise<Record<string, string>>): Promise<WaitEnd> {
  let next: { url: string; method: HttpMethod; extra?: Record<string, string> } = { url, method };
  while (!host.signal.aborted) {
    const started = Date.now();
    const doc = await host.load({ kind: 'url', url: next.url, method: next.method, fallback: null, params: { ...(await params()), ...next.extra } });
    if (host.signal.aborted) return 'stopped';
    if (doc === null) return 'error'; // the alert is raised by the fetch
    const r = await runVerbs(host, doc, WAIT_VERBS, 'waitUrl');
    if (r.kind === 'end') return r.end;
    next = r.kind === 'redirect' ? { url: r.url, method: r.method, ...(r.params ? { extra: r.params } : {}) } : { url, method };
    const rest = MIN_PASS_MS - (Date.now() - started);
    if (rest > 0) await sleep(rest, host.signal);
  }
  return 'stopped';
}

/** The <Dial><Queue url> document, played to the dequeued caller before the bridge (with its redirects). */
export async function runAnnounce(host: WaitHost, url: string, method: HttpMethod, params: Record<string, string>): Promise<void> {
  let next: { url: string; method: HttpMethod } | null = { url, method };
  for (let hops = 0; next && hops < 10 && !host.signal.aborted; hops++) {
    const doc = await host.load({ kind: 'url', url: next.url, method: next.method, fallback: null, params });
    if (doc === null || host.signal.aborted) return;
    const r = await runVerbs(host, doc, ANNOUNCE_VERBS, '<Queue> url');
    next = r.kind === 'redirect' ? { url: r.url, method: r.method } : null;
  }
}

type Pass = { kind: 'done' } | { kind: 'end'; end: WaitEnd } | { kind: 'redirect'; url: string; method: HttpMethod; params?: Record<string, string> };

async function runVerbs(host: WaitHost, doc: LoadedDocument, allowed: ReadonlySet<string>, where: string): Promise<Pass> {
  const ctl = controlFor(host, doc.url);
  for (const verb of doc.verbs) {
    if (host.signal.aborted) return { kind: 'end', end: 'stopped' };
    if (!allowed.has(verb.verb)) {
      await ctl.alert('queueVerbNotAllowed', `<${verb.verb}> is not allowed in ${where} TwiML and was skipped`, doc.url ?? undefined);
      continue;
    }
    if (verb.verb === 'Leave') return { kind: 'end', end: 'leave' };
    if (verb.verb === 'Hangup') return { kind: 'end', end: 'hangup' };
    const outcome = await execute(verb, ctl);
    if (host.signal.aborted) return { kind: 'end', end: 'stopped' };
    if (outcome?.kind === 'redirect')
      return { kind: 'redirect', url: outcome.url, method: outcome.method, ...(outcome.params ? { params: outcome.params } : {}) };
  }
  return { kind: 'done' };
}

async function execute(verb: VoiceVerb, ctl: CallControl) {
  const run = executorFor(verb);
  return run ? run(verb, ctl) : null;
}

/** The caller's control, with this document's URL for relative URLs and the wait's signal for every wait. */
function controlFor(host: WaitHost, documentUrl: string | null): CallControl {
  const { signal } = host;
  // Derived rather than copied, so a control whose methods live on a prototype keeps them.
  return Object.create(host.ctl, {
    signal: { value: signal },
    documentUrl: { value: documentUrl },
    resolve: {
      value: (url: string): string | null => {
        try {
          return new URL(url, documentUrl ?? undefined).toString();
        } catch {
          return null;
        }
      },
    },
    sleep: { value: (ms: number) => sleep(ms, signal) },
  }) as CallControl;
}
