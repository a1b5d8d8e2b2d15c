import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionaryWords, FILLER_WEIGHTS, FILLER_WORDS, hintGrammar, phoneDictionary } from './grammar.js';
import { maskProfanity } from './profanity.js';
import { toResult, upsampleMirrored } from './pocketsphinx.js';

const DICT = dictionaryWords(
  'billing B IH L IH NG\nsupport S AH P AO R T\ntalk T AO K\ntalk(2) T AA K\nto T UW\nan AE N\nagent EY JH AH N T\ni AY\nneed N IY D\nplease P L IY Z\none W AH N\ntwo T UW\nthe DH AH\n',
);
const known = (w: string): boolean => DICT.has(w);

/** The transitions of an FSG as [from, to, word] (null for an empty transition). */
function transitions(fsg: string): Array<[number, number, string | null]> {
  return fsg
    .split('\n')
    .filter((l) => l.startsWith('TRANSITION '))
    .map((l) => {
      const [, from, to, , word] = l.split(' ');
      return [Number(from), Number(to), word ?? null];
    });
}

test('the dictionary lists each word once, alternates folded', () => {
  assert.ok(DICT.has('talk') && !DICT.has('talk(2)'));
});

test('by default a hint may follow a carrier phrase and precede "please"', () => {
  const g = hintGrammar(['billing'], known);
  const t = transitions(g?.fsg ?? '');
  assert.ok(t.some(([f, to, w]) => f === 1 && to === 2 && w === 'billing'));
  assert.ok(t.some(([f, , w]) => f === 0 && w === 'i'));
  assert.ok(t.some(([f, to, w]) => f === 2 && to === 3 && w === 'please'));
  assert.ok(t.some(([f, to, w]) => f === 0 && to === 1 && w === null));
  assert.ok(!t.some(([f, to]) => f === to), 'no filler loop');
});

test('with filler weights, hints become paths from state 1 to 2 between filler loops; unknown words are dropped', () => {
  const g = hintGrammar(['Billing', ' support ', 'talk to an agent', 'zzyzx'], known, FILLER_WEIGHTS);
  assert.deepEqual(g?.phrases, ['billing', 'support', 'talk to an agent']);
  const t = transitions(g?.fsg ?? '');
  assert.ok(t.some(([f, to, w]) => f === 1 && to === 2 && w === 'billing'));
  assert.ok(t.some(([f, , w]) => f === 1 && w === 'talk'));
  assert.ok(t.some(([, to, w]) => to === 2 && w === 'agent'));
  // Fillers loop on 0 and 2: known common words and phones, never a word of a hint ("to", "talk").
  const fillers = t.filter(([f, to]) => f === to && f === 0).map(([, , w]) => w);
  assert.ok(fillers.includes('i') && fillers.includes('need') && fillers.includes('the') && fillers.includes('ph_aa'));
  assert.ok(!fillers.includes('to') && !fillers.includes('talk') && !fillers.includes('billing'));
  assert.ok(fillers.every((w) => w !== null && (w.startsWith('ph_') || FILLER_WORDS.includes(w))));
  assert.match(g?.fsg ?? '', /^FSG_BEGIN hints\nNUM_STATES \d+\nSTART_STATE 0\nFINAL_STATE 3\n/);
  assert.match(g?.fsg ?? '', /FSG_END\n$/);
});

test('the state count covers every state a transition uses', () => {
  for (const weights of [undefined, FILLER_WEIGHTS]) {
    const fsg = hintGrammar(['talk to an agent', '$OOV_CLASS_DIGIT_SEQUENCE'], known, weights)?.fsg ?? '';
    const n = Number(/NUM_STATES (\d+)/.exec(fsg)?.[1]);
    assert.ok(transitions(fsg).every(([f, to]) => f < n && to < n));
  }
});

test('digit classes become a loop of digit words, and fillers lose the words said like digits', () => {
  const g = hintGrammar(['$OOV_CLASS_DIGIT_SEQUENCE'], known, FILLER_WEIGHTS);
  const t = transitions(g?.fsg ?? '');
  const loop = t.find(([f, , w]) => f === 1 && w === 'one')?.[1];
  assert.ok(loop !== undefined && loop > 3);
  assert.ok(t.some(([f, to, w]) => f === loop && to === loop && w === 'two'));
  const fillers = t.filter(([f, to]) => f === 0 && to === 0).map(([, , w]) => w);
  assert.ok(!fillers.includes('to') && !fillers.includes('one'));
  assert.equal(hintGrammar(['zzyzx'], known), null);
});

test('the phone words go to the dictionary with their phone', () => {
  assert.match(phoneDictionary(), /^ph_aa AA$/m);
  assert.match(phoneDictionary(), /^ph_zh ZH$/m);
});

test('a hypothesis gives normalised text without phone words and a 0-1 confidence; an empty one gives nothing', () => {
  const good = toResult({ text: 'ph_t ph_eh billing <sil> please', score: -2500 }, 1);
  assert.equal(good.text, 'billing please');
  assert.ok(good.confidence > 0.9 && good.confidence <= 1);
  assert.ok(toResult({ text: 'billing', score: -7000 }, 1).confidence < 0.1);
  assert.deepEqual(toResult({ text: 'ph_aa ph_b', score: -100 }, 1), { text: '', confidence: 0 });
  assert.deepEqual(toResult({ text: '', score: 0 }, 1), { text: '', confidence: 0 });
});

test('upsampling mirrors: every sample kept, a zero between', () => {
  assert.deepEqual([...upsampleMirrored(Int16Array.from([5, -7]))], [5, 0, -7, 0]);
});

test('profanityFilter masks all but the first letter', () => {
  assert.equal(maskProfanity('oh shit it broke'), 'oh s*** it broke');
});
