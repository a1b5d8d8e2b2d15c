import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpeechError } from './recognizer.js';
import { confidenceOf, engineModel, parseTranscription } from './transcription.js';

test('confidence: exp of the segments’ avg_logprob averaged by duration', () => {
  const answer = {
    segments: [
      { start: 0, end: 1.5, avg_logprob: -0.1 },
      { start: 1.5, end: 2, avg_logprob: -0.9 },
    ],
  };
  // (1.5 * -0.1 + 0.5 * -0.9) / 2 = -0.3
  assert.equal(confidenceOf(answer), Math.round(Math.exp(-0.3) * 1e4) / 1e4);
  assert.equal(confidenceOf(answer), 0.7408);
});

test('confidence: a plain mean when no segment has a duration; segments without avg_logprob are left out', () => {
  const answer = { segments: [{ avg_logprob: -0.2 }, { avg_logprob: -0.6 }, { text: 'no score' }, 'junk'] };
  assert.equal(confidenceOf(answer), Math.round(Math.exp(-0.4) * 1e4) / 1e4);
});

test('confidence: a top-level number without segments, else 0; always within 0-1', () => {
  assert.equal(confidenceOf({ confidence: 0.87 }), 0.87);
  assert.equal(confidenceOf({ segments: [], confidence: 0.5 }), 0.5);
  assert.equal(confidenceOf({ confidence: '0.9' }), 0, 'a string is not a number');
  assert.equal(confidenceOf({}), 0);
  assert.equal(confidenceOf({ confidence: 1.7 }), 1);
  assert.equal(confidenceOf({ confidence: -2 }), 0);
  assert.equal(confidenceOf({ segments: [{ avg_logprob: 0.3 }] }), 1, 'a positive log probability is clamped');
  assert.equal(confidenceOf({ segments: [{ avg_logprob: -30 }] }), 0);
});

test('parseTranscription: normalized text; nothing recognized is confidence 0; not a transcription is engine-failed', () => {
  assert.deepEqual(parseTranscription('{"text":" Billing, please.","segments":[{"start":0,"end":1,"avg_logprob":-0.5}]}'), {
    text: 'billing please',
    confidence: 0.6065,
  });
  assert.deepEqual(parseTranscription('{"text":"[BLANK_AUDIO]","confidence":0.9}'), { text: '', confidence: 0 });
  for (const body of ['<html>oops</html>', '', '"billing"', '{"transcript":"billing"}', '{"text":3}']) {
    assert.throws(
      () => parseTranscription(body),
      (e) => e instanceof SpeechError && e.code === 'engine-failed',
      body,
    );
  }
});

test("model: the Gather's own speechModel, unless it is one of Twilio's names, which mean the configured default", () => {
  assert.equal(engineModel(null, 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('', 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('phone_call', 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('numbers_and_commands', 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('googlev2_telephony', 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('deepgram_nova-3', 'whisper-1'), 'whisper-1');
  assert.equal(engineModel('Systran/faster-whisper-small', 'whisper-1'), 'Systran/faster-whisper-small');
  assert.equal(engineModel('large-v3', 'whisper-1'), 'large-v3');
});
