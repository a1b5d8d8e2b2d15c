/**
 * The TwiML interpreter: runs one document's verbs in order and moves to the next document (a Redirect,
 * a Gather or Record action, or a live update through the Calls API) by looping, never by recursion. How
 * documents are fetched and what a verb can touch are the host's business (see calls/session.ts).
 */
import type { HttpMethod, VoiceVerb } from '../twiml/index.js';
import { executorFor, type CallControl, type Outcome } from './verbs/index.js';

export type DocumentSource =
  | { kind: 'url'; url: string; method: HttpMethod; fallback: { url: string; method: HttpMethod } | null; params?: Record<string, string> }
  | { kind: 'twiml'; xml: string };

export interface LoadedDocument {
  verbs: VoiceVerb[];
  /** The URL the document came from (relative URLs and default actions resolve against it); null inline. */
  url: string | null;
}

export type Ending = { kind: 'hangup' } | { kind: 'reject'; reason: 'busy' | 'rejected' };

export interface InterpreterHost {
  /** Fetches and parses; on failure raises the alerts (and tries the fallback) itself and returns null. */
  load(source: DocumentSource): Promise<LoadedDocument | null>;
  /** A fresh CallControl for one document; its signal aborts on hangup or an outside redirect. */
  control(documentUrl: string | null): CallControl;
  /** A document queued from outside (Calls API update) since the last call; taking it clears it. */
  takePending(): DocumentSource | null;
  /** Told of each verb run, with its outcome (the call's event log); must not block. */
  record?(verb: VoiceVerb, outcome: Outcome): void;
  readonly ended: boolean;
}

/** Documents per call: generous for IVR menus that loop, but a bound all the same. */
export const MAX_DOCUMENTS = 5000;
/** Documents in a row that did nothing but redirect: a loop that would hammer the app. */
export const MAX_BARE_REDIRECTS = 50;

export async function interpret(host: InterpreterHost, first: DocumentSource): Promise<Ending> {
  let source: DocumentSource | null = first;
  let bare = 0;
  for (let documents = 0; source !== null && documents < MAX_DOCUMENTS; documents++) {
    const doc = await host.load(source);
    source = null;
    if (doc === null || host.ended) return { kind: 'hangup' };
    const early = host.takePending();
    if (early) {
      source = early;
      continue;
    }
    const ctl = host.control(doc.url);
    let redirectOnly = true;
    for (const verb of doc.verbs) {
      const execute = executorFor(verb);
      if (!execute) {
        await ctl.alert('voiceVerbUnsupported', `<${verb.verb}> is not supported by Switchboard's voice interpreter; the call was ended`);
        return { kind: 'hangup' };
      }
      if (verb.verb !== 'Redirect') redirectOnly = false;
      let outcome: Outcome;
      try {
        outcome = await execute(verb, ctl);
      } catch (err) {
        // A bug in one verb ends this call cleanly; it must never take the process down.
        await ctl.alert('voiceVerbUnsupported', `<${verb.verb}> failed: ${err instanceof Error ? err.message : String(err)}`).catch(() => undefined);
        return { kind: 'hangup' };
      }
      host.record?.(verb, outcome);
      const pending = host.takePending();
      if (pending) {
        source = pending;
        break;
      }
      if (host.ended) return { kind: 'hangup' };
      if (outcome.kind === 'next') continue;
      if (outcome.kind === 'redirect') {
        source = { kind: 'url', url: outcome.url, method: outcome.method, fallback: null, ...(outcome.params ? { params: outcome.params } : {}) };
        break;
      }
      if (outcome.kind === 'inline') {
        source = { kind: 'twiml', xml: outcome.twiml };
        break;
      }
      return outcome;
    }
    bare = redirectOnly ? bare + 1 : 0;
    if (bare > MAX_BARE_REDIRECTS) {
      await ctl.alert('tooManyRedirects', `more than ${MAX_BARE_REDIRECTS} documents in a row did nothing but <Redirect>`);
      return { kind: 'hangup' };
    }
    // The end of a document ends the call, unless an update arrived meanwhile.
    source ??= host.takePending();
  }
  return { kind: 'hangup' };
}
