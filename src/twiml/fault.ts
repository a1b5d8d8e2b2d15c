import { ALERTS } from '../core/errors.js';

/** The TwiML dialect a document is read as: what the messaging webhook or the voice webhook returned. */
export type Dialect = 'messaging' | 'voice';

/** Codes a TwiML document can fail with; they are Twilio's alert codes, kept in core's ALERTS. */
export type TwimlAlertCode =
  | typeof ALERTS.documentParseFailure.code // 12100: not XML, root not <Response>, bad nesting
  | typeof ALERTS.unsupportedVerb.code // 12200: unknown verb or noun, bad attribute value
  | typeof ALERTS.responseTooLarge.code; // 11750: document over the 64 KiB limit

export interface TwimlAlert {
  code: TwimlAlertCode;
  message: string;
}

/** Something Twilio ignores but a developer wants to hear about (an unknown attribute, an empty <Say>). */
export interface TwimlWarning {
  code: typeof ALERTS.unsupportedVerb.code;
  message: string;
}

/**
 * Thrown inside the parser only; parseTwiml turns it into an alert. Throwing keeps each verb file a straight
 * line of reads instead of threading a result through every helper.
 */
export class TwimlFault extends Error {
  constructor(
    readonly code: TwimlAlertCode,
    message: string,
  ) {
    super(message);
    this.name = 'TwimlFault';
  }
}

export const documentFault = (message: string) => new TwimlFault(ALERTS.documentParseFailure.code, message);
export const schemaFault = (message: string) => new TwimlFault(ALERTS.unsupportedVerb.code, message);

/** What every verb parser receives besides its element. */
export interface ParseContext {
  readonly dialect: Dialect;
  warn(message: string): void;
}

/** Quotes untrusted text in a message without letting a 60 KB attribute flood the alert log. */
export function clip(value: string, max = 60): string {
  return value.length > max ? value.slice(0, max) + '...' : value;
}
