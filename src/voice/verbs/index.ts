import type { VoiceVerb } from '../../twiml/index.js';
import { executeDial } from './dial.js';
import { executeEnqueue } from './enqueue.js';
import { executeGather } from './gather.js';
import { executeHangup } from './hangup.js';
import { executeLeave } from './leave.js';
import { executePause } from './pause.js';
import { executePlay } from './play.js';
import { executeRecord } from './record.js';
import { executeRedirect } from './redirect.js';
import { executeReject } from './reject.js';
import { executeSay } from './say.js';
import { executeConnect, executeStart, executeStop } from './streams.js';
import type { VerbExecutor } from './types.js';

type Executors = { [K in VoiceVerb['verb']]?: VerbExecutor<Extract<VoiceVerb, { verb: K }>> };

/** One line per verb the interpreter runs; a parsed verb missing here raises an alert and ends the call. */
export const VERB_EXECUTORS: Executors = {
  Say: executeSay,
  Play: executePlay,
  Pause: executePause,
  Gather: executeGather,
  Record: executeRecord,
  Hangup: executeHangup,
  Redirect: executeRedirect,
  Reject: executeReject,
  Dial: executeDial,
  Enqueue: executeEnqueue,
  Leave: executeLeave,
  Connect: executeConnect,
  Start: executeStart,
  Stop: executeStop,
};

export function executorFor(verb: VoiceVerb): VerbExecutor<VoiceVerb> | undefined {
  // The mapped type pairs each name with its own verb type; TypeScript cannot follow that through a lookup.
  return VERB_EXECUTORS[verb.verb] as VerbExecutor<VoiceVerb> | undefined;
}

export type { CallControl, Outcome, SavedRecording, VerbExecutor } from './types.js';
