// Verify v2: services, verifications and checks; codes sent by SMS through messaging, or by call through a
// VerifyCallSender that voice provides.
export { createVerify, type Verify, type VerifyOptions } from './module.js';
export type { VerifyCallSender, VerifyCallOptions } from './call.js';
export { spokenText } from './spoken.js';
export { smsText } from './sms.js';
