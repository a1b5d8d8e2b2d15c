import type { VideoTables } from './video-schema.js';

/**
 * Row types of every table. Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite);
 * booleans are 0/1 integers and structured values JSON text, so both dialects store the same thing.
 */
export interface AccountsTable {
  sid: string;
  parent_sid: string | null;
  friendly_name: string;
  status: string;
  auth_token: string;
  type: string;
  date_created: number;
  date_updated: number;
}

export interface ApiKeysTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  secret: string;
  flavor: string;
  date_created: number;
  date_updated: number;
}

export interface PhoneNumbersTable {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  iso_country: string;
  number_type: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  voice_caller_id_lookup: number;
  voice_application_sid: string | null;
  status_callback: string | null;
  status_callback_method: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  sms_application_sid: string | null;
  messaging_service_sid: string | null;
  date_created: number;
  date_updated: number;
}

export interface ApplicationsTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  api_version: string;
  voice_url: string | null;
  voice_method: string;
  voice_fallback_url: string | null;
  voice_fallback_method: string;
  voice_caller_id_lookup: number;
  status_callback: string | null;
  status_callback_method: string;
  sms_url: string | null;
  sms_method: string;
  sms_fallback_url: string | null;
  sms_fallback_method: string;
  sms_status_callback: string | null;
  message_status_callback: string | null;
  public_application_connect_enabled: number;
  date_created: number;
  date_updated: number;
}

export interface WebhookRequestsTable {
  sid: string;
  account_sid: string;
  resource_sid: string | null;
  purpose: string;
  method: string;
  url: string;
  request_headers: string;
  request_body: string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  latency_ms: number | null;
  error_code: number | null;
  error_message: string | null;
  attempt: number;
  date_created: number;
}

export interface AlertsTable {
  sid: string;
  account_sid: string;
  resource_sid: string | null;
  error_code: number;
  log_level: string;
  alert_text: string;
  request_url: string | null;
  request_method: string | null;
  webhook_request_sid: string | null;
  date_created: number;
}

export interface JobsTable {
  id: string;
  queue: string;
  payload: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  date_created: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface MessagesTable {
  sid: string;
  account_sid: string;
  messaging_service_sid: string | null;
  direction: string;
  from_number: string;
  to_number: string;
  body: string;
  status: string;
  num_segments: number;
  num_media: number;
  encoding: string;
  error_code: number | null;
  error_message: string | null;
  status_callback: string | null;
  application_sid: string | null;
  validity_period: number | null;
  send_at: number | null;
  carrier: string | null;
  carrier_ids: string | null;
  /** MediaUrl values still to fetch (JSON array); null once fetched into message_media. */
  media_urls: string | null;
  /** When the message is next due for pipeline work; null once it left the pipeline. */
  run_at: number | null;
  locked_by: string | null;
  locked_until: number | null;
  attempts: number;
  date_created: number;
  date_updated: number;
  date_sent: number | null;
}

export interface MessageMediaTable {
  sid: string;
  account_sid: string;
  message_sid: string;
  content_type: string;
  size: number;
  data: Buffer;
  date_created: number;
  date_updated: number;
}

export interface SenderScheduleTable {
  sender: string;
  next_free_at: number;
}

export interface OptOutsTable {
  account_sid: string;
  sender: string;
  recipient: string;
  date_created: number;
}

export interface MessagingServicesTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  inbound_request_url: string | null;
  inbound_method: string;
  fallback_url: string | null;
  fallback_method: string;
  status_callback: string | null;
  sticky_sender: number;
  smart_encoding: number;
  validity_period: number;
  use_inbound_webhook_on_number: number;
  area_code_geomatch: number;
  fallback_to_long_code: number;
  mms_converter: number;
  date_created: number;
  date_updated: number;
}

export interface StickySendersTable {
  service_sid: string;
  recipient: string;
  sender: string;
}

export interface VirtualPhoneMessagesTable {
  sid: string;
  account_sid: string;
  phone: string;
  peer: string;
  direction: string;
  body: string;
  media: string;
  message_sid: string;
  date_created: number;
}

export interface VerifyServicesTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  code_length: number;
  lookup_enabled: number;
  psd2_enabled: number;
  skip_sms_to_landlines: number;
  dtmf_input_required: number;
  tts_name: string | null;
  do_not_share_warning_enabled: number;
  custom_code_enabled: number;
  verify_event_subscription_enabled: number;
  /** Seconds a code stays valid (Switchboard extension; Twilio: 600, changed only through its support). */
  code_lifetime: number;
  /** Where Verify's SMS come from (Switchboard extension); null: the account's first number. */
  messaging_service_sid: string | null;
  date_created: number;
  date_updated: number;
}

export interface VerificationsTable {
  sid: string;
  account_sid: string;
  service_sid: string;
  to_number: string;
  channel: string;
  status: string;
  /** HMAC-SHA256 of the code under the server's Verify key, bound to the verification SID. */
  code_hash: string;
  /** The code sealed (AES-256-GCM) while pending, so a resend can send the same code; null afterwards. */
  code_sealed: string | null;
  locale: string;
  /** JSON: the lookup object the API returns. */
  lookup: string;
  send_attempts: number;
  check_attempts: number;
  /** service_sid + To while pending, null otherwise: a unique column, so one open verification per To. */
  open_key: string | null;
  expires_at: number;
  date_created: number;
  date_updated: number;
}

export interface VerificationAttemptsTable {
  sid: string;
  account_sid: string;
  verification_sid: string;
  channel: string;
  /** The message or call that carried the code. */
  channel_sid: string | null;
  date_created: number;
}

export interface MessagePartsTable {
  carrier: string;
  carrier_id: string;
  message_sid: string;
  /** 1-based part number and the number of parts the message went out in. */
  seq: number;
  total: number;
  status: string;
  error_code: number | null;
  date_updated: number;
}

export interface CarriersTable {
  name: string;
  /** The carrier's settings as JSON (CarrierConfig), password included. */
  config: string;
  date_created: number;
  date_updated: number;
}

export interface ClusterNodesTable {
  id: string;
  started_at: number;
  heartbeat_at: number;
}

/** A voice node: how to reach its call control, whether it places calls, its load and heartbeat (0017). */
export interface CallNodesTable {
  id: string;
  /** Base URL of the node's HTTP API as the other nodes reach it (SWITCHBOARD_NODE_URL). */
  control_url: string;
  /** HMAC key requests to the node's internal endpoint are signed with; new at each start. */
  control_key: string;
  /** host:port of its SIP endpoint; null while SIP is disabled. */
  sip_address: string | null;
  /** 1 while it takes new calls; 0 once it is stopping (draining). */
  accepting: number;
  live_calls: number;
  /** Its --max-calls-per-node (0: no cap). */
  max_calls: number;
  started_at: number;
  heartbeat_at: number;
}

export interface CallsTable {
  sid: string;
  account_sid: string;
  parent_call_sid: string | null;
  /** inbound, outbound-api or outbound-dial. */
  direction: string;
  from_number: string;
  to_number: string;
  /** The account's number the call came in on or went out from. */
  phone_number_sid: string | null;
  status: string;
  /** Where the other side is: sip (a URI), trunk, virtual (a simulated phone), internal (one of our numbers). */
  endpoint: string;
  start_time: number | null;
  end_time: number | null;
  /** Whole seconds, set when the call ends. */
  duration: number | null;
  forwarded_from: string | null;
  caller_name: string | null;
  url: string | null;
  method: string;
  fallback_url: string | null;
  fallback_method: string;
  twiml: string | null;
  application_sid: string | null;
  status_callback: string | null;
  status_callback_method: string;
  /** JSON array of initiated, ringing, answered, completed. */
  status_callback_events: string;
  /** SequenceNumber of the last status callback sent (-1: none yet). */
  callback_seq: number;
  timeout: number;
  time_limit: number;
  send_digits: string | null;
  record: number;
  /** Answering machine detection's verdict (human, machine_start, ...); null when it did not run. */
  answered_by: string | null;
  /**
   * The node running the call (kept once it ends, to tell which node ran it), and, while it is live, until
   * when that node promises to be alive (see voice/calls/recovery.ts and voice/nodes).
   */
  node_id: string | null;
  lease_until: number | null;
  date_created: number;
  date_updated: number;
}

export interface RecordingsTable {
  sid: string;
  account_sid: string;
  call_sid: string;
  /** RecordVerb or OutboundAPI. */
  source: string;
  status: string;
  channels: number;
  /** Whole seconds. */
  duration: number;
  start_time: number;
  error_code: number | null;
  /** The audio as 8 kHz mu-law (half the size of PCM16; converted when served). */
  audio: Buffer;
  date_created: number;
  date_updated: number;
  /** The conference it was made in (source Conference); absent on older rows and other sources. */
  conference_sid?: string | null;
}

/** A transcription of a recording (voice/recordings/transcriptions.ts). */
export interface TranscriptionsTable {
  sid: string;
  account_sid: string;
  recording_sid: string;
  call_sid: string;
  /** in-progress, completed or failed. */
  status: string;
  transcription_text: string | null;
  /** Seconds of audio transcribed. */
  duration: number;
  error_code: number | null;
  date_created: number;
  date_updated: number;
}

/** One TwiML verb a call ran (written by the voice interpreter; see voice/events.ts). */
export interface CallEventsTable {
  sid: string;
  call_sid: string;
  account_sid: string;
  /** 0, 1, 2, ... per call, in the order the verbs ran. */
  seq: number;
  /** Say, Play, Pause, Gather, ... */
  verb: string;
  /** What the verb did, in a line: the text said (truncated), the URL played, the digits gathered, ... */
  detail: string;
  date_created: number;
}

export interface VirtualCallEventsTable {
  call_sid: string;
  seq: number;
  account_sid: string;
  phone: string;
  /** say, play, digits, pause, beep, pressed, hangup, ... */
  kind: string;
  /** JSON object with the event's details. */
  detail: string;
  date_created: number;
}

export interface VirtualPhoneBehaviorsTable {
  account_sid: string;
  phone: string;
  /** JSON: how the phone answers calls (see voice/virtual/behavior.ts). */
  behavior: string;
  date_updated: number;
}

/** Every table; Video's row types are in video-schema.ts. */
/** A verified caller ID (2010 OutgoingCallerIds). */
export interface OutgoingCallerIdsTable {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  date_created: number;
  date_updated: number;
}

/** A call queue (2010 Queues): friendly_name is unique per account. */
export interface QueuesTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  max_size: number;
  date_created: number;
  date_updated: number;
}

/**
 * A call waiting in a queue, one row per call. `sid` is an ordered ticket and `date_created` the time it
 * was enqueued: (date_created, sid) is the order of the line. `node_id` runs the call's media.
 */
export interface QueueMembersTable {
  sid: string;
  call_sid: string;
  queue_sid: string;
  account_sid: string;
  node_id: string;
  date_created: number;
}

/** A conference (2010 Conferences); `node_id` runs its mixer. */
export interface ConferencesTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  /** init, in-progress, completed */
  status: string;
  region: string;
  reason_conference_ended: string | null;
  call_sid_ending_conference: string | null;
  node_id: string;
  date_created: number;
  date_updated: number;
}

/** A call in a conference now (removed when it leaves). Booleans are 0/1. */
export interface ConferenceParticipantsTable {
  conference_sid: string;
  call_sid: string;
  account_sid: string;
  label: string | null;
  muted: number;
  hold: number;
  call_sid_to_coach: string | null;
  start_conference_on_enter: number;
  end_conference_on_exit: number;
  status: string;
  date_created: number;
  date_updated: number;
}

/** One cookie jar: the cookies an app set for an SMS conversation or a call (see webhooks/cookie-jar.ts). */
export interface WebhookCookiesTable {
  account_sid: string;
  jar: string;
  /** JSON array of StoredCookie. */
  cookies: string;
  expires_at: number;
  date_updated: number;
}

export interface Database extends VideoTables {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  phone_numbers: PhoneNumbersTable;
  applications: ApplicationsTable;
  webhook_requests: WebhookRequestsTable;
  alerts: AlertsTable;
  jobs: JobsTable;
  settings: SettingsTable;
  cluster_nodes: ClusterNodesTable;
  messages: MessagesTable;
  message_media: MessageMediaTable;
  sender_schedule: SenderScheduleTable;
  opt_outs: OptOutsTable;
  messaging_services: MessagingServicesTable;
  sticky_senders: StickySendersTable;
  virtual_phone_messages: VirtualPhoneMessagesTable;
  verify_services: VerifyServicesTable;
  verifications: VerificationsTable;
  verification_attempts: VerificationAttemptsTable;
  message_parts: MessagePartsTable;
  carriers: CarriersTable;
  calls: CallsTable;
  recordings: RecordingsTable;
  transcriptions: TranscriptionsTable;
  virtual_call_events: VirtualCallEventsTable;
  call_events: CallEventsTable;
  virtual_phone_behaviors: VirtualPhoneBehaviorsTable;
  outgoing_caller_ids: OutgoingCallerIdsTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  webhook_cookies: WebhookCookiesTable;
  conferences: ConferencesTable;
  conference_participants: ConferenceParticipantsTable;
  call_nodes: CallNodesTable;
}
