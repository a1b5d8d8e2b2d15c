import { errors } from '../core/errors.js';

export interface VerifyCallOptions {
  /** DtmfInputRequired: ask the callee to press a key before the code is read (so voicemail does not get it). */
  dtmfInputRequired: boolean;
  /** The verification's locale, for the TTS voice. */
  locale: string;
}

/**
 * How Verify's call channel places a call. Voice plugs in an implementation that dials `to` from a number of
 * the account and says `spokenText` (see spokenText()), with the service's TtsName voice when it has one.
 * Resolves with the call's SID; throws an ApiError when the call cannot be placed.
 */
export interface VerifyCallSender {
  call(accountSid: string, to: string, spokenText: string, ttsName: string | null, options?: VerifyCallOptions): Promise<{ sid: string }>;
}

/** The sender used until the voice module provides one: every call channel request is a clear 60200. */
export const noVoiceCallSender: VerifyCallSender = {
  call: async () => {
    throw errors.verifyCallUnavailable();
  },
};
