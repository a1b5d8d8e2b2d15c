import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionaryWords, hintGrammar } from './grammar.js';
import { maskProfanity } from './profanity.js';
import { parseHypothesis, upsampleMirrored } from './pocketsphinx.js';

const DICT = dictionaryWords(
  'billing B IH L IH NG\nsupport S AH P AO R T\ntalk T AO K\ntalk(2) T AA K\nto T UW\nan AE N\nagent EY JH AH N T\ni AY\nneed N IY D\nplease P L IY Z\none W AH N\ntwo T UW\n',
);

test('the dictionary lists each word once, alternates folded', () => {
  assert.ok(DICT.has('talk') && !DICT.has('talk(2)'));
});

test('hints become grammar alternatives; unknown words are dropped; carriers keep only known words', () => {
  const g = hintGrammar(['Billing', ' support ', 'talk to an agent', 'zzyzx'], (w) => DICT.has(w));
  assert.deepEqual(g?.phrases, ['billing', 'support', 'talk to an agent']);
  assert.match(g?.jsgf ?? '', /<hint> = \( billing \) \| \( support \) \| \( talk to an agent \);/);
  assert.match(g?.jsgf ?? '', /<pre> = i need \| talk to;/);
  assert.match(g?.jsgf ?? '', /<post> = please;/);
});

test('digit classes become a loop of digit words; no known word at all gives no grammar', () => {
  const g = hintGrammar(['$OOV_CLASS_DIGIT_SEQUENCE'], (w) => DICT.has(w));
  assert.match(g?.jsgf ?? '', /<digit> = one \| two;/);
  assert.equal(
    hintGrammar(['zzyzx'], (w) => DICT.has(w)),
    null,
  );
});

test('a hypothesis line gives normalised text and a 0-1 confidence; an empty one gives nothing', () => {
  const good = parseHypothesis('billing please (u -2500)\n', 1);
  assert.equal(good.text, 'billing please');
  assert.ok(good.confidence > 0.9 && good.confidence <= 1);
  assert.ok(parseHypothesis('billing (u -7000)', 1).confidence < 0.1);
  assert.deepEqual(parseHypothesis(' (u 0)', 1), { text: '', confidence: 0 });
});

test('upsampling mirrors: every sample kept, a zero between', () => {
  assert.deepEqual([...upsampleMirrored(Int16Array.from([5, -7]))], [5, 0, -7, 0]);
});

test('profanityFilter masks all but the first letter', () => {
  assert.equal(maskProfanity('oh shit it broke'), 'oh s*** it broke');
});
