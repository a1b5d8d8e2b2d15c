import type { ConnectVerb } from './parse/connect.js';
import type { DialVerb } from './parse/dial.js';
import type { EnqueueVerb } from './parse/enqueue.js';
import type { GatherVerb } from './parse/gather.js';
import type { HangupVerb } from './parse/hangup.js';
import type { LeaveVerb } from './parse/leave.js';
import type { MessageVerb } from './parse/message.js';
import type { PauseVerb } from './parse/pause.js';
import type { PlayVerb } from './parse/play.js';
import type { RecordVerb } from './parse/record.js';
import type { RedirectVerb } from './parse/redirect.js';
import type { RejectVerb } from './parse/reject.js';
import type { SayVerb } from './parse/say.js';
import type { SmsVerb } from './parse/sms.js';
import type { StartVerb } from './parse/start.js';
import type { StopVerb } from './parse/stop.js';
import type { Dialect, TwimlAlert, TwimlWarning } from './fault.js';

/** Everything a voice webhook's TwiML can hold, discriminated by `verb`. */
export type VoiceVerb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | RecordVerb
  | HangupVerb
  | RedirectVerb
  | RejectVerb
  | DialVerb
  | EnqueueVerb
  | LeaveVerb
  | ConnectVerb
  | StartVerb
  | StopVerb
  | SmsVerb;

/** Everything a messaging webhook's TwiML can hold. */
export type MessagingVerb = MessageVerb | RedirectVerb;

export type Verb = VoiceVerb | MessagingVerb;

export type VerbOf<D extends Dialect> = D extends 'voice' ? VoiceVerb : MessagingVerb;

export type TwimlResult<V extends Verb> = { ok: true; verbs: V[]; warnings: TwimlWarning[] } | { ok: false; alert: TwimlAlert };
