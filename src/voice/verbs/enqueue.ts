import type { EnqueueVerb } from '../../twiml/index.js';
import { NEXT, type Outcome, type VerbExecutor } from './types.js';

/**
 * <Enqueue>: the call waits in the named queue (voice/queues/runtime.ts) until it leaves it. Then
 * `action` gets QueueResult, and QueueSid and QueueTime when it was enqueued; without action the
 * document goes on. Dequeued through the Members API or redirected through the Calls API, the action is
 * requested at once (its answer not run) and the new TwiML runs, as Twilio's docs describe; a caller
 * who hung up (or a <Hangup> in the wait TwiML) still has the action told.
 */
export const executeEnqueue: VerbExecutor<EnqueueVerb> = async (verb, ctl) => {
  if (!ctl.enqueue) {
    await ctl.alert('voiceVerbUnsupported', '<Enqueue> cannot queue calls here; the call was ended');
    return { kind: 'hangup' };
  }
  await ctl.answer();
  const r = await ctl.enqueue(verb);
  const params: Record<string, string> = { QueueResult: r.result };
  if (r.queueSid !== null) params.QueueSid = r.queueSid;
  if (r.queueTime !== null) params.QueueTime = String(r.queueTime);
  const action = verb.action === null ? null : ctl.resolve(verb.action);
  const tell = async (): Promise<void> => {
    if (action !== null) await ctl.notify(action, verb.method, params);
  };
  if (r.hangup) {
    await tell();
    return { kind: 'hangup' };
  }
  if (ctl.signal.aborted) {
    await tell();
    return NEXT; // the Calls API's new TwiML is pending
  }
  if (r.target) {
    await tell();
    return { kind: 'redirect', url: r.target.url, method: r.target.method } satisfies Outcome;
  }
  return action === null ? NEXT : ({ kind: 'redirect', url: action, method: verb.method, params } satisfies Outcome);
};
