/**
 * Calls from the console's phone: its token carries no TwiML App, so the call runs one `<Dial>` to the `To`
 * the keypad sent, as Twilio's Dev Phone does with the app it provisions. A number is dialled with the
 * `CallerId` param (checked by <Dial> like any callerId: a number of the account or a verified caller ID),
 * a SIP URI with <Sip>, `client:<identity>` with <Client>. answerOnBridge: the phone rings until the far
 * end answers, so its timeline shows the ring and the answer where they happen.
 */
import { isSipUri } from '../calls/dialer.js';

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The TwiML for a console call to `to`; null when `to` is none of the three (the call is refused). */
export function directDialTwiml(to: string, callerId: string | undefined): string | null {
  const target = to.trim();
  const caller = callerId?.trim() ? ` callerId="${xml(callerId.trim())}"` : '';
  let noun: string;
  const client = /^client:([A-Za-z0-9_.@+-]{1,121})$/.exec(target);
  if (client) noun = `<Client>${xml(client[1]!)}</Client>`;
  else if (isSipUri(target)) noun = `<Sip>${xml(target)}</Sip>`;
  else if (/^\+?[0-9]{3,15}$/.test(target.replace(/[\s().-]/g, ''))) noun = `<Number>${xml(target.replace(/[\s().-]/g, ''))}</Number>`;
  else return null;
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial answerOnBridge="true"${caller}>${noun}</Dial></Response>`;
}
