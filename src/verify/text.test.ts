import assert from 'node:assert/strict';
import { test } from 'node:test';
import { languageOf, normalizeLocale, resolveLocale } from './locale.js';
import { smsText } from './sms.js';
import { spokenText } from './spoken.js';

test("the SMS says what Twilio's says, with the warning and the Android app hash when asked", () => {
  assert.equal(smsText('en', 'Acme', '123456'), 'Your Acme verification code is: 123456');
  assert.equal(
    smsText('en', 'Acme', '1234', { doNotShareWarning: true }),
    'Your Acme verification code is: 1234. Don’t share this code with anyone; our employees will never ask for the code.',
  );
  assert.equal(smsText('en', 'AppName', '1234', { appHash: 'He42w354ol9' }), '<#> Your AppName verification code is: 1234 He42w354ol9');
  assert.equal(smsText('de', 'Acme', '123456'), 'Ihr Acme Verifizierungscode lautet: 123456');
  assert.equal(smsText('pt-br', 'Acme', '123456'), 'O seu código de verificação Acme é: 123456');
  assert.equal(smsText('ja', 'Acme', '123456'), 'Your Acme verification code is: 123456', 'no wording here: English, as Twilio falls back');
});

test('the spoken text reads the code digit by digit and repeats it', () => {
  assert.equal(
    spokenText('en', 'Acme', '123456'),
    'Your Acme verification code is: 1, 2, 3, 4, 5, 6. I repeat, your Acme verification code is: 1, 2, 3, 4, 5, 6.',
  );
  assert.equal(
    spokenText('fr', 'Acme', '4711'),
    'Votre code de vérification Acme est : 4, 7, 1, 1. Je répète, votre code de vérification Acme est : 4, 7, 1, 1.',
  );
});

test("locales: the one asked for, else the To country's, else English; unknown ones are refused", () => {
  assert.equal(normalizeLocale('pt_BR'), 'pt-br');
  assert.equal(normalizeLocale('EN-gb'), 'en-gb');
  assert.equal(normalizeLocale('xx'), undefined);
  assert.equal(resolveLocale(undefined, 'DE'), 'de');
  assert.equal(resolveLocale(undefined, 'US'), 'en');
  assert.equal(resolveLocale(undefined, undefined), 'en');
  assert.equal(resolveLocale('fr', 'DE'), 'fr');
  assert.equal(languageOf('zh-hk'), 'en');
});
