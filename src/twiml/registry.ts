import type { ParseContext } from './fault.js';
import { parseConnect } from './parse/connect.js';
import { parseDial } from './parse/dial.js';
import { parseEnqueue } from './parse/enqueue.js';
import { parseGather } from './parse/gather.js';
import { parseHangup } from './parse/hangup.js';
import { parseLeave } from './parse/leave.js';
import { parseMessage } from './parse/message.js';
import { parsePause } from './parse/pause.js';
import { parsePlay } from './parse/play.js';
import { parseRecord } from './parse/record.js';
import { parseRedirect } from './parse/redirect.js';
import { parseReject } from './parse/reject.js';
import { parseSay } from './parse/say.js';
import { parseSms } from './parse/sms.js';
import { parseStart } from './parse/start.js';
import { parseStop } from './parse/stop.js';
import type { MessagingVerb, VoiceVerb } from './types.js';
import type { XmlElement } from './xml.js';

export type VerbParser<V> = (el: XmlElement, ctx: ParseContext) => V;

/** One line per verb: the element name and the file that parses it. */
export const VOICE_VERBS: ReadonlyMap<string, VerbParser<VoiceVerb>> = new Map<string, VerbParser<VoiceVerb>>([
  ['Say', parseSay],
  ['Play', parsePlay],
  ['Pause', parsePause],
  ['Gather', parseGather],
  ['Record', parseRecord],
  ['Hangup', parseHangup],
  ['Redirect', parseRedirect],
  ['Reject', parseReject],
  ['Dial', parseDial],
  ['Enqueue', parseEnqueue],
  ['Leave', parseLeave],
  ['Connect', parseConnect],
  ['Start', parseStart],
  ['Stop', parseStop],
  ['Sms', parseSms],
]);

export const MESSAGING_VERBS: ReadonlyMap<string, VerbParser<MessagingVerb>> = new Map<string, VerbParser<MessagingVerb>>([
  ['Message', parseMessage],
  ['Redirect', parseRedirect],
]);
