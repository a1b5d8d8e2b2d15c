/**
 * The Media Streams verbs. <Connect><Stream>: a two-way stream, and the call stays in the verb until the
 * app closes the socket (or the stream fails, or the call is redirected or ends), then goes on with
 * Connect's action if it has one, else the next verb. <Start><Stream>: one-way forks, and the document
 * goes on at once. <Stop><Stream>: ends forks by name (or url).
 * https://www.twilio.com/docs/voice/twiml/stream
 */
import type { ConnectVerb, StartVerb, StopVerb, StreamNoun } from '../../twiml/index.js';
import type { StreamRequest } from '../streams/call-streams.js';
import { ApiError } from '../../core/errors.js';
import { NEXT, type CallControl, type Outcome, type VerbExecutor } from './types.js';

/** The stream's settings, with statusCallback made absolute; null (and an alert) when it cannot be. */
async function request(noun: StreamNoun, ctl: CallControl, bidirectional: boolean): Promise<StreamRequest | null> {
  const url = noun.url === null ? null : ctl.resolve(noun.url);
  const callback = noun.statusCallback === null ? null : ctl.resolve(noun.statusCallback);
  if (url === null) {
    await ctl.alert('streamScheme', `<Stream url="${noun.url ?? ''}"> is not a wss:// URL`);
    return null;
  }
  return {
    url,
    name: noun.name,
    track: noun.track,
    statusCallback: callback,
    statusCallbackMethod: noun.statusCallbackMethod,
    parameters: noun.parameters,
    bidirectional,
  };
}

async function refused(err: unknown, ctl: CallControl, verb: string): Promise<void> {
  if (err instanceof ApiError && err.code === 20001) await ctl.alert('streamLimit', `<${verb}><Stream>: ${err.message}`);
  else await ctl.alert('voiceVerbUnsupported', `<${verb}><Stream> failed: ${err instanceof Error ? err.message : String(err)}`);
}

export const executeConnect: VerbExecutor<ConnectVerb> = async (verb, ctl) => {
  if (verb.target.noun !== 'Stream' || !ctl.streams) {
    await ctl.alert('voiceVerbUnsupported', `<Connect><${verb.target.noun}> is not supported by Switchboard's voice interpreter; the call was ended`);
    return { kind: 'hangup' };
  }
  await ctl.answer();
  const req = await request(verb.target, ctl, true);
  if (req !== null) {
    let handle: Awaited<ReturnType<NonNullable<CallControl['streams']>['start']>> | null = null;
    try {
      handle = await ctl.streams.start(req);
    } catch (err) {
      await refused(err, ctl, 'Connect');
    }
    if (handle !== null) {
      const sid = handle.info.sid;
      const streams = ctl.streams;
      // A redirect through the API (or the hangup) ends the stream; the app's close ends the verb.
      const onAbort = (): void => void streams.stop(sid);
      ctl.signal.addEventListener('abort', onAbort, { once: true });
      await handle.done;
      ctl.signal.removeEventListener('abort', onAbort);
    }
  }
  if (ctl.signal.aborted) return ctl.signal.reason === 'hangup' ? { kind: 'hangup' } : NEXT;
  const action = verb.action === null ? null : ctl.resolve(verb.action);
  return action === null ? NEXT : ({ kind: 'redirect', url: action, method: verb.method } satisfies Outcome);
};

export const executeStart: VerbExecutor<StartVerb> = async (verb, ctl) => {
  if (!ctl.streams) {
    await ctl.alert('voiceVerbUnsupported', '<Start><Stream> needs call media; the call was ended');
    return { kind: 'hangup' };
  }
  await ctl.answer();
  for (const noun of verb.streams) {
    const req = await request(noun, ctl, false);
    if (req === null) continue;
    try {
      await ctl.streams.start(req);
    } catch (err) {
      await refused(err, ctl, 'Start');
    }
  }
  return NEXT;
};

export const executeStop: VerbExecutor<StopVerb> = async (verb, ctl) => {
  for (const noun of verb.streams) {
    const key = noun.name ?? (noun.url === null ? null : (ctl.resolve(noun.url) ?? noun.url));
    if (key !== null) ctl.streams?.stop(key);
  }
  return NEXT;
};
