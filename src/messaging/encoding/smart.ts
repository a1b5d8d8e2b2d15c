/**
 * Smart Encoding as Twilio Messaging Services apply it: characters from Twilio's "smart encoding char list"
 * (curly quotes, dashes, ellipsis, fractions, fullwidth forms, unicode spaces, zero-width and control
 * characters) become GSM-7 look-alikes. The table is the one Twilio's calculator (sms-segments-calculator,
 * MIT) ships, with one deliberate change: every unicode space becomes one space (the calculator has two
 * for most of them but one for U+2001, an artefact of copying the table) and TAB becomes one space.
 */
import { isGsm7 } from './gsm7.js';

// [replacement, characters replaced by it]
const GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['"', '\u00AB\u00BB\u201C\u201D\u02BA\u02EE\u201F\u201E\u275D\u275E\u301D\u301E\uFF02'],
  ["'", '\u2018\u2019\u02BB\u02C8\u02BC\u02BD\u02B9\u201B\uFF07\u00B4\u02CA\u0060\u02CB\u275B\u275C\u0313\u0314\uFE10\uFE11'],
  ['/', '\u00F7\u29F8\u0337\u0338\u2044\u2215\uFF0F'],
  ['1/4', '\u00BC'],
  ['1/2', '\u00BD'],
  ['3/4', '\u00BE'],
  ['\\', '\u29F9\u29F5\u20E5\uFE68\uFF3C'],
  ['_', '\u0332\uFF3F\u2017'],
  ['|', '\u20D2\u20D3\u2223\uFF5C\u23B8\u23B9\u23D0\u239C\u239F'],
  ['-', '\u23BC\u23BD\u2015\uFE63\uFF0D\u2010\u2043\u2014\u2013\u2022'],
  ['@', '\uFE6B\uFF20'],
  ['$', '\uFE69\uFF04'],
  ['!', '\u01C3\uFE15\uFE57\uFF01'],
  ['#', '\uFE5F\uFF03'],
  ['%', '\uFE6A\uFF05'],
  ['&', '\uFE60\uFF06'],
  [',', '\u201A\u0326\uFE50\uFE51\uFF0C\uFF64\u3001'],
  ['(', '\u2768\u276A\uFE59\uFF08\u27EE\u2985'],
  [')', '\u2769\u276B\uFE5A\uFF09\u27EF\u2986'],
  ['*', '\u204E\u2217\u229B\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273A\u273B\u273C\u273D\u2743\u2749\u274A\u274B\u29C6\uFE61\uFF0A'],
  ['+', '\u02D6\uFE62\uFF0B'],
  ['.', '\u3002\uFE52\uFF0E\uFF61'],
  ['0', '\uFF10'],
  ['1', '\uFF11'],
  ['2', '\uFF12'],
  ['3', '\uFF13'],
  ['4', '\uFF14'],
  ['5', '\uFF15'],
  ['6', '\uFF16'],
  ['7', '\uFF17'],
  ['8', '\uFF18'],
  ['9', '\uFF19'],
  [':', '\u02D0\u02F8\u2982\uA789\uFE13\uFF1A'],
  [';', '\u204F\uFE14\uFE54\uFF1B'],
  ['<', '\uFE64\uFF1C\u2039'],
  ['=', '\u0347\uA78A\uFE66\uFF1D'],
  ['>', '\uFE65\uFF1E\u203A'],
  ['?', '\uFE16\uFE56\uFF1F'],
  ['A', '\uFF21\u1D00'],
  ['B', '\uFF22\u0299'],
  ['C', '\uFF23\u1D04'],
  ['D', '\uFF24\u1D05'],
  ['E', '\uFF25\u1D07'],
  ['F', '\uFF26\uA730'],
  ['G', '\uFF27\u0262'],
  ['H', '\uFF28\u029C'],
  ['I', '\uFF29\u026A'],
  ['J', '\uFF2A\u1D0A'],
  ['K', '\uFF2B\u1D0B'],
  ['L', '\uFF2C\u029F'],
  ['M', '\uFF2D\u1D0D'],
  ['N', '\uFF2E\u0274'],
  ['O', '\uFF2F\u1D0F'],
  ['P', '\uFF30\u1D18'],
  ['Q', '\uFF31'],
  ['R', '\uFF32\u0280'],
  ['S', '\uFF33\uA731'],
  ['T', '\uFF34\u1D1B'],
  ['U', '\uFF35\u1D1C'],
  ['V', '\uFF36\u1D20'],
  ['W', '\uFF37\u1D21'],
  ['X', '\uFF38'],
  ['Y', '\uFF39\u028F'],
  ['Z', '\uFF3A\u1D22'],
  ['^', '\u02C6\u0302\uFF3E\u1DCD'],
  ['{', '\u2774\uFE5B\uFF5B'],
  ['}', '\u2775\uFE5C\uFF5D'],
  ['[', '\uFF3B'],
  [']', '\uFF3D'],
  ['~', '\u02DC\u02F7\u0303\u0330\u0334\u223C\uFF5E'],
  ['', '\u0010\u0000\u0003\u0004\u0017\u0019\u0011\u0012\u0013\u0014\u2060\u200B\u200C\uFEFF'],
  ['!!', '\u203C'],
  ['...', '\u2026'],
  // Unicode and C1 spaces, line/paragraph separators, TAB.
  [' ', '\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\u2028\u2029\u0080\u008D\u0090\u009B\u009F\u0009'],
];

export const SMART_ENCODING_MAP: ReadonlyMap<string, string> = new Map(
  GROUPS.flatMap(([replacement, chars]) => Array.from(chars, (ch) => [ch, replacement] as const)),
);

/** Replaces every listed character, whatever else the body holds. */
export function transliterate(body: string): string {
  let out = '';
  for (const ch of body) out += SMART_ENCODING_MAP.get(ch) ?? ch;
  return out;
}

/**
 * Twilio's behaviour: the replacement happens only when it makes the whole body GSM-7. A body that would
 * stay UCS-2 anyway (an emoji, Cyrillic) is sent untouched, so curly quotes are not lost for nothing.
 */
export function smartEncode(body: string): string {
  if (isGsm7(body)) return body;
  const replaced = transliterate(body);
  return isGsm7(replaced) ? replaced : body;
}
