/**
 * Every element name Switchboard's TwiML grammar knows, in any position. A known name in the wrong place is
 * bad nesting (12100); a name outside this list is an unknown or unsupported verb or noun (12200).
 */
export const KNOWN_ELEMENTS: ReadonlySet<string> = new Set([
  'Response',
  // verbs
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Record',
  'Hangup',
  'Redirect',
  'Reject',
  'Dial',
  'Enqueue',
  'Leave',
  'Connect',
  'Start',
  'Stop',
  'Sms',
  'Message',
  // nouns
  'Number',
  'Sip',
  'Uri',
  'Headers',
  'Header',
  'Client',
  'Identity',
  'Parameter',
  'Conference',
  'Queue',
  'Task',
  'Stream',
  'Room',
  'Body',
  'Media',
]);
