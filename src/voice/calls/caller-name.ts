/**
 * CallerName for calls to a number (or Voice Application) with VoiceCallerIdLookup on: the CNAM the Lookup data
 * source gives for the caller (its caller_name package), else nothing. Twilio's Call resource: "The caller's name
 * if this call was an incoming call to a phone number with caller ID Lookup enabled. Otherwise, empty."
 */
import { lookupPhoneNumber, type LookupDataSource } from '../../lookup/index.js';

export type CallerNameLookup = (caller: string) => Promise<string | null>;

/** Without a source every answer is null. A slow source delays the call's first webhook at most `timeoutMs`. */
export function callerNameLookup(source: LookupDataSource | undefined, timeoutMs = 3000): CallerNameLookup {
  if (!source?.caller_name) return async () => null;
  return async (caller) => {
    if (!caller.startsWith('+')) return null; // a SIP URI or "anonymous": nothing to look up
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const found = lookupPhoneNumber({ phoneNumber: caller, baseUrl: '', fields: ['caller_name'] }, { dataSource: source }).then(
        (r) => r.caller_name?.caller_name ?? null,
        () => null,
      );
      return await Promise.race([found, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
