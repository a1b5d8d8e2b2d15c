// Every keyword of Twilio's default opt-out handling, and nothing else: a message is a keyword only when it is
// the keyword alone (trimmed, any case), so "STOP PLEASE" or "opt out" is an ordinary message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchKeyword } from './optout.js';

// Twilio's lists (help.twilio.com "Twilio support for opt-out keywords"; REVOKE and OPTOUT since 2025-05-14).
const STOP = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const START = ['START', 'YES', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

test("every one of Twilio's opt-out, opt-in and help keywords, in any case and with spaces around", () => {
  for (const [words, kind] of [
    [STOP, 'stop'],
    [START, 'start'],
    [HELP, 'help'],
  ] as const) {
    for (const word of words) {
      assert.equal(matchKeyword(word), kind, word);
      assert.equal(matchKeyword(` ${word.toLowerCase()}\n`), kind, `${word} lowercased, padded`);
      assert.equal(matchKeyword(word[0] + word.slice(1).toLowerCase()), kind, `${word} capitalised`);
    }
  }
});

test('a keyword inside a longer message, or a near miss, is not a keyword', () => {
  for (const body of ['STOP PLEASE', 'please stop', 'opt out', 'stop.', 'STOPP', 'yes!', 'unsubscribe me', '', 'ARRET', 'HALT']) {
    assert.equal(matchKeyword(body), undefined, body);
  }
});
