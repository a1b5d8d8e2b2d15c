import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeText } from './recognizer.js';

test('normalizeText: lower case words and single spaces; markup and punctuation go', () => {
  assert.equal(normalizeText(' Billing, please.'), 'billing please');
  assert.equal(normalizeText('<s> talk(2) to  an <sil> AGENT </s>'), 'talk to an agent');
  assert.equal(normalizeText('[BLANK_AUDIO] (music) I’m calling about order 42!'), "i'm calling about order 42");
  assert.equal(normalizeText('¿Hablas español? Sí, señor.'), 'hablas español sí señor', 'letters of any script stay');
  assert.equal(normalizeText('...'), '');
});
