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

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  phone_numbers: PhoneNumbersTable;
  applications: ApplicationsTable;
  webhook_requests: WebhookRequestsTable;
  alerts: AlertsTable;
  jobs: JobsTable;
  settings: SettingsTable;
  messages: MessagesTable;
  message_media: MessageMediaTable;
  sender_schedule: SenderScheduleTable;
  opt_outs: OptOutsTable;
  messaging_services: MessagingServicesTable;
  sticky_senders: StickySendersTable;
  virtual_phone_messages: VirtualPhoneMessagesTable;
}
