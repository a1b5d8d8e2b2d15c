/**
 * Gather's `hints` as a JSGF grammar for pocketsphinx: each hint is one alternative, its words in order,
 * optionally after a short carrier phrase ("i need", "i want to talk about", ...) and before "please" or
 * "thank you", so "I need support please" still finds "support". The carriers are fixed phrases, not a
 * loop of small words: a word loop soaks up the audio of the hint itself (measured on 8 kHz speech).
 * Words the pronunciation dictionary does not know are dropped (pocketsphinx refuses a grammar with an
 * unknown word); Twilio's digit classes ($OOV_CLASS_DIGIT_SEQUENCE, ...) become a loop of digit words.
 * Returns null when no hint has a known word left: the engine then uses its open-vocabulary language model.
 */
const DIGIT_WORDS = ['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const PRE = [
  'i need',
  'i want',
  'i want to talk about',
  'i would like',
  'i need help with',
  'talk to',
  'yes',
  'um',
  'uh',
  'the',
  'my',
  'a',
  'it is',
  'my number is',
];
const POST = ['please', 'thanks', 'thank you'];
const DIGIT_CLASSES = /^\$oov_class_(digit_sequence|alphanumeric_sequence|full_phonenumber|postalcode)$/i;

export interface HintGrammar {
  jsgf: string;
  /** The alternatives kept, as written in the grammar. */
  phrases: string[];
}

/** The words of one hint, lower case, in the dictionary's spelling. */
function words(hint: string): string[] {
  return hint
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(' ')
    .filter((w) => w !== '');
}

export function hintGrammar(hints: readonly string[], known: (word: string) => boolean): HintGrammar | null {
  const phrases = new Set<string>();
  let digits = false;
  for (const hint of hints) {
    if (DIGIT_CLASSES.test(hint.trim())) {
      digits = true;
      continue;
    }
    const kept = words(hint).filter(known);
    if (kept.length > 0) phrases.add(kept.join(' '));
  }
  const alternatives = [...phrases];
  if (digits) alternatives.push(`<digit>+`);
  if (alternatives.length === 0) return null;
  const carriers = (list: readonly string[]): string => list.filter((p) => p.split(' ').every(known)).join(' | ');
  const lines = [
    '#JSGF V1.0;',
    'grammar hints;',
    // Optional parts written out as alternatives: pocketsphinx 0.8 often fails to decode a grammar that starts with [optional].
    'public <utterance> = <hint> | <pre> <hint> | <hint> <post> | <pre> <hint> <post>;',
    `<hint> = ${alternatives.map((a) => `( ${a} )`).join(' | ')};`,
    `<pre> = ${carriers(PRE)};`,
    `<post> = ${carriers(POST)};`,
  ];
  if (digits) lines.push(`<digit> = ${DIGIT_WORDS.filter(known).join(' | ')};`);
  return { jsgf: `${lines.join('\n')}\n`, phrases: [...phrases] };
}

/** The words of a CMU-format dictionary (`word PHONES`, alternates as `word(2) PHONES`). */
export function dictionaryWords(text: string): Set<string> {
  const out = new Set<string>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      const word = text.slice(start, space);
      const paren = word.indexOf('(');
      out.add(paren > 0 ? word.slice(0, paren) : word);
    }
    start = end + 1;
  }
  return out;
}
