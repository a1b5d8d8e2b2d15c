/** The JSON shapes the console reads: the subset of each API resource that a page shows. */

export interface Session {
  username: string;
  via: 'auth-token' | 'api-key';
  home_account_sid: string;
  account_sid: string;
  accounts: { sid: string; friendly_name: string; status: string; parent_sid: string | null }[];
  csrf_token: string;
  base_url: string;
  expires_at: string;
}

export interface Account {
  sid: string;
  friendly_name: string;
  auth_token: string;
  status: string;
}

export interface IncomingNumber {
  sid: string;
  phone_number: string;
  friendly_name: string;
  date_created: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  status_callback: string | null;
  status_callback_method: string;
}

export interface AvailableNumber {
  phone_number: string;
  friendly_name: string;
  locality: string | null;
  region: string | null;
  iso_country: string;
}

export interface Message {
  sid: string;
  account_sid: string;
  from: string | null;
  to: string;
  body: string;
  status: string;
  direction: string;
  num_segments: string;
  num_media: string;
  error_code: number | null;
  error_message: string | null;
  messaging_service_sid: string | null;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
}

export interface MessageExtra {
  sid: string;
  encoding: string;
  num_segments: number;
}

export interface WebhookRequest {
  sid: string;
  resource_sid: string | null;
  purpose: string;
  method: string;
  url: string;
  attempt: number;
  request: { headers: Record<string, string> | null; body: string };
  response: { status: number | null; headers: Record<string, string> | null; body: string | null } | null;
  latency_ms: number | null;
  error_code: number | null;
  error_message: string | null;
  date_created: string;
}

export interface Alert {
  sid: string;
  resource_sid: string | null;
  error_code: string;
  alert_text: string;
  webhook_request_sid: string | null;
  more_info: string;
  date_created: string;
}

export interface VirtualPhone {
  phone_number: string;
  messages: number;
  last_activity: string;
}

export interface PhoneMessage {
  sid: string;
  phone_number: string;
  peer: string;
  direction: 'sent' | 'received';
  body: string;
  media: string[] | { url: string; contentType?: string }[];
  message_sid: string | null;
  date_created: string;
}

export interface Call {
  sid: string;
  from: string;
  to: string;
  status: string;
  direction: string;
  duration: string | null;
  date_created: string;
}

/** A call as GET .../Calls/{Sid}.json returns it (the fields the detail page shows). */
export interface CallDetails extends Call {
  start_time: string | null;
  end_time: string | null;
  parent_call_sid: string | null;
  /** Answering machine detection's verdict (MachineDetection), null without it. */
  answered_by: string | null;
}

/** A call queue (GET .../Queues.json). */
export interface Queue {
  sid: string;
  friendly_name: string;
  current_size: number;
  max_size: number;
  average_wait_time: number;
}

/** A call waiting in a queue (GET .../Queues/{Sid}/Members.json). */
export interface QueueMember {
  call_sid: string;
  position: number;
  wait_time: number;
  date_enqueued: string;
}

/** A conference (GET .../Conferences.json). */
export interface Conference {
  sid: string;
  friendly_name: string;
  status: string;
  date_created: string;
}

/** A call in a conference (GET .../Conferences/{Sid}/Participants.json). */
export interface Participant {
  call_sid: string;
  label: string | null;
  muted: boolean;
  hold: boolean;
  coaching: boolean;
  call_sid_to_coach: string | null;
}

/** One verb a call ran (GET /switchboard/v1/Calls/{Sid}/Events). */
export interface CallEvent {
  sid: string;
  call_sid: string;
  sequence: number;
  verb: string;
  detail: string;
  date_created: string;
}

export interface VerifyService {
  sid: string;
  friendly_name: string;
  code_length: number;
  date_created: string;
}
export interface VerifyAttempt {
  sid: string;
  service_sid: string;
  verification_sid: string;
  date_created: string;
  channel: string;
  conversion_status: 'converted' | 'unconverted';
  channel_data: { to?: string } | null;
}

/** The live stream's events, as src/core/events.ts defines them. */
export interface LiveEvents {
  'message.status': { accountSid: string; sid: string; status: string; direction: string };
  'webhook.request': {
    accountSid: string;
    sid: string;
    resourceSid: string | null;
    purpose: string;
    url: string;
    status: number | null;
    errorCode: number | null;
  };
  alert: { accountSid: string; sid: string; code: number; resourceSid: string | null };
  'call.status': { accountSid: string; sid: string; status: string };
  'queue.member': { accountSid: string; queueSid: string; callSid: string; change: 'joined' | 'left' };
}

/** GET /console/api/dashboard (src/console/dashboard.ts). */
export interface Dashboard {
  minutes: number[];
  messages: Record<string, number[]>;
  messages_total: number;
  delivery_rate: Array<number | null>;
  alerts: Record<string, number[]>;
  calls: Record<string, number[]>;
  calls_total: number;
  concurrent_calls: number[];
  /** Per minute as the serving node sampled them (null: not sampled); the last minute is now. */
  queues: Array<{
    sid: string;
    friendly_name: string;
    size: number;
    longest_wait: number;
    size_per_minute: Array<number | null>;
    longest_wait_per_minute: Array<number | null>;
  }>;
  carriers: Array<{ name: string; up: boolean; up_per_minute: Array<number | null> }>;
  /** Start of the first minute the serving node sampled; null: none yet. */
  history_since: number | null;
}

/** A recording (GET .../Recordings.json?CallSid=). */
export interface Recording {
  sid: string;
  call_sid: string;
  duration: string;
  status: string;
  channels: number;
  source: string;
  date_created: string;
  uri: string;
}

/** A transcription (GET .../Recordings/{Sid}/Transcriptions.json). */
export interface Transcription {
  sid: string;
  status: string;
  transcription_text: string | null;
}
