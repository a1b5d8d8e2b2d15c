/** Messages to send: the messages table itself, rows in status queued with a due run_at (messaging/pipeline.ts). */
export const SEND_QUEUE = 'sms.send';
/** Inbound messages whose webhook is still to run (messaging/inbound.ts). */
export const INBOUND_QUEUE = 'sms.inbound';
