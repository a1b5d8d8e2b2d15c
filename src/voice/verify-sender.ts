/**
 * Verify's call channel on top of the Calls service: a call from the account's first number whose inline
 * TwiML speaks the code (the text already says it twice). With DtmfInputRequired the callee first has to
 * press a key, so an answering machine never hears the code.
 */
import { errors } from '../core/errors.js';
import type { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { VerifyCallSender } from '../verify/call.js';
import type { CallsService } from './calls/service.js';

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function voiceVerifySender(calls: CallsService, numbers: PhoneNumbersRepository): VerifyCallSender {
  return {
    async call(accountSid, to, spokenText, ttsName, options) {
      const from = (await numbers.list(accountSid, {}, { pageSize: 1 })).items[0]?.phone_number;
      if (!from) throw errors.verifyNoSender();
      const voice = xml(ttsName ?? 'alice');
      const language = xml(options?.locale && /^[a-z]{2,3}(-[A-Za-z]{2})?$/.test(options.locale) ? options.locale : 'en-US');
      const say = (text: string) => `<Say voice="${voice}" language="${language}">${xml(text)}</Say>`;
      const code = `<Response>${say(spokenText)}<Pause length="1"/><Hangup/></Response>`;
      const row = options?.dtmfInputRequired
        ? await calls.create(accountSid, {
            to,
            from,
            onGatherInput: code,
            twiml: `<Response><Gather numDigits="1" timeout="10">${say('Press any key to hear your verification code.')}</Gather>${say('We did not receive a key press. Goodbye.')}<Hangup/></Response>`,
          })
        : await calls.create(accountSid, { to, from, twiml: code });
      return { sid: row.sid };
    },
  };
}
