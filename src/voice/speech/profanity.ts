/**
 * profanityFilter (Twilio's default true): a profane word keeps its first letter and the rest becomes
 * asterisks ("f***"). The list is short and English-only; it is a courtesy, not a moderation tool.
 */
const PROFANE = new Set([
  'fuck',
  'fucking',
  'fucker',
  'shit',
  'bitch',
  'bastard',
  'asshole',
  'damn',
  'cunt',
  'dick',
  'piss',
  'crap',
  'motherfucker',
  'bullshit',
]);

export function maskProfanity(text: string): string {
  return text
    .split(' ')
    .map((w) => (PROFANE.has(w) ? `${w[0]}${'*'.repeat(w.length - 1)}` : w))
    .join(' ');
}
