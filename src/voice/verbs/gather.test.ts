import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeGather } from './gather.js';
import { FakeControl, verb } from './test-support/fake-control.js';
import type { RecognitionRequest, RecognitionResult, SpeechRecognizer } from '../speech/index.js';

test('numDigits: the action (default: this document) gets Digits', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  ctl.leg.keys = ['1234'];
  const out = await executeGather(verb('<Gather numDigits="4"><Say>PIN?</Say></Gather>', 'Gather'), ctl);
  assert.deepEqual(out, { kind: 'redirect', url: 'https://app.example.com/menu', method: 'POST', params: { Digits: '1234' } });
  assert.deepEqual(ctl.leg.log, ['say:PIN?:en-US:1:i', 'listening:gather'], 'nested prompts are interruptible');
});

test('finishOnKey ends input and is not part of Digits; action and method attributes apply', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  ctl.leg.keys = ['42#9'];
  const out = await executeGather(verb('<Gather action="/done" method="GET" timeout="2"/>', 'Gather'), ctl);
  assert.deepEqual(out, { kind: 'redirect', url: 'https://app.example.com/done', method: 'GET', params: { Digits: '42', FinishedOnKey: '#' } });
});

test('timeout with no input falls through; actionOnEmptyResult posts empty Digits', async () => {
  const ctl = new FakeControl();
  assert.deepEqual(await executeGather(verb('<Gather timeout="0"/>', 'Gather'), ctl), { kind: 'next' });
  const out = await executeGather(verb('<Gather timeout="0" actionOnEmptyResult="true" action="/empty"/>', 'Gather'), ctl);
  assert.equal(out.kind, 'redirect');
  assert.deepEqual(out.kind === 'redirect' ? out.params : null, { Digits: '' });
});

test('the timeout counts from the last key; a barge-in skips the remaining prompts', async () => {
  const ctl = new FakeControl();
  ctl.leg.playOutcome = 'interrupted';
  setTimeout(() => ctl.leg.press('7'), 5);
  const out = await executeGather(verb('<Gather timeout="1" finishOnKey=""><Say>one</Say><Say>two</Say></Gather>', 'Gather'), ctl);
  assert.deepEqual(
    ctl.leg.log.filter((l) => l.startsWith('say')),
    ['say:one:en-US:1:i'],
  );
  assert.equal(out.kind === 'redirect' ? out.params?.Digits : null, '7');
});

test("inline TwiML without action: Switchboard's own continuation runs, otherwise the next verb", async () => {
  const ctl = new FakeControl(null);
  ctl.leg.keys = ['1'];
  assert.deepEqual(await executeGather(verb('<Gather numDigits="1"/>', 'Gather'), ctl), { kind: 'next' });
  const own = new FakeControl(null);
  own.onGatherInput = '<Response><Say>code</Say></Response>';
  own.leg.keys = ['1'];
  assert.deepEqual(await executeGather(verb('<Gather numDigits="1"/>', 'Gather'), own), { kind: 'inline', twiml: own.onGatherInput });
});

test('input="speech" without a recognizer raises an alert and falls through at once', async () => {
  const ctl = new FakeControl();
  assert.deepEqual(await executeGather(verb('<Gather input="speech" timeout="30"/>', 'Gather'), ctl), { kind: 'next' });
  assert.equal(ctl.alerts[0]?.kind, 'speechRecognitionFailed');
});

/** A recognizer that answers what it is told, and notes what it was asked. */
class ScriptedRecognizer implements SpeechRecognizer {
  readonly name = 'scripted';
  readonly asked: RecognitionRequest[] = [];
  constructor(
    private readonly answer: RecognitionResult,
    readonly finalOnly = false,
  ) {}
  supports(language: string): boolean {
    return language.startsWith('en');
  }
  async recognize(r: RecognitionRequest): Promise<RecognitionResult> {
    this.asked.push(r);
    return this.answer;
  }
}

test('speech: the caller barges in, the prompt stops, the action gets SpeechResult and Confidence', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  const asr = new ScriptedRecognizer({ text: 'billing', confidence: 0.91 });
  ctl.speech = asr;
  ctl.leg.say = async (text) => {
    ctl.leg.log.push(`say:${text}`);
    ctl.leg.speak(10, 10); // quiet line while the prompt starts
    ctl.leg.speak(4000, 30); // the caller talks over it
    ctl.leg.speak(10, 60); // then stops: 1.2 s of silence ends the utterance (speechTimeout="1")
    return 'stopped';
  };
  const out = await executeGather(
    verb('<Gather input="speech" hints="billing, support" speechTimeout="1" language="en-GB"><Say>Say billing</Say><Say>never</Say></Gather>', 'Gather'),
    ctl,
  );
  assert.deepEqual(out, { kind: 'redirect', url: 'https://app.example.com/menu', method: 'POST', params: { SpeechResult: 'billing', Confidence: '0.91' } });
  assert.ok(ctl.leg.log.includes('stop'), 'barge-in stops the prompt');
  assert.ok(!ctl.leg.log.includes('say:never'), 'the remaining prompts are skipped');
  assert.deepEqual(asr.asked[0]?.hints, ['billing', 'support']);
  assert.equal(asr.asked[0]?.language, 'en-GB');
  assert.ok((asr.asked[0]?.pcm.length ?? 0) >= 30 * 160, 'the utterance is handed over');
});

test('speech: a language the engine lacks raises 13334 and falls through; an empty result falls through too', async () => {
  const ctl = new FakeControl();
  ctl.speech = new ScriptedRecognizer({ text: 'hola', confidence: 0.9 });
  assert.deepEqual(await executeGather(verb('<Gather input="speech" language="es-ES"/>', 'Gather'), ctl), { kind: 'next' });
  assert.equal(ctl.alerts[0]?.kind, 'speechLanguageUnsupported');
  const quiet = new FakeControl();
  quiet.speech = new ScriptedRecognizer({ text: '', confidence: 0 });
  setTimeout(() => {
    quiet.leg.speak(3000, 20);
    quiet.leg.speak(10, 60);
  }, 5);
  assert.deepEqual(await executeGather(verb('<Gather input="speech" speechTimeout="1" timeout="2"/>', 'Gather'), quiet), { kind: 'next' });
});

test('dtmf speech: a key before any speech makes it a DTMF Gather', async () => {
  const ctl = new FakeControl();
  ctl.speech = new ScriptedRecognizer({ text: 'never', confidence: 1 });
  ctl.leg.keys = ['1'];
  const out = await executeGather(verb('<Gather input="dtmf speech" numDigits="1"/>', 'Gather'), ctl);
  assert.deepEqual(out.kind === 'redirect' ? out.params : null, { Digits: '1' });
  assert.ok(ctl.leg.log.includes('audio:off'), 'the speech listener let go of the audio');
});

/** The caller talks for 1.4 s (loud frames every 100 ms), then falls silent. */
function speakForAWhile(ctl: FakeControl): void {
  const talk = setInterval(() => ctl.leg.speak(4000, 5), 100);
  setTimeout(() => {
    clearInterval(talk);
    ctl.leg.speak(10, 60);
  }, 1400);
}

test('partialResultCallback gets UnstableSpeechResult, StableSpeechResult and SequenceNumber while the caller speaks', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  ctl.speech = new ScriptedRecognizer({ text: 'talk to billing', confidence: 0.8 });
  speakForAWhile(ctl);
  const out = await executeGather(verb('<Gather input="speech" speechTimeout="1" partialResultCallback="/partial"/>', 'Gather'), ctl);
  assert.equal(out.kind === 'redirect' ? out.params?.SpeechResult : null, 'talk to billing');
  assert.deepEqual(ctl.notified[0], {
    url: 'https://app.example.com/partial',
    params: { UnstableSpeechResult: 'talk to billing', StableSpeechResult: '', SequenceNumber: '1' },
  });
});

test('partialResultCallback: an engine that gives final results only is asked once, and no partial is posted', async () => {
  const ctl = new FakeControl('https://app.example.com/menu');
  const asr = new ScriptedRecognizer({ text: 'talk to billing', confidence: 0.8 }, true);
  ctl.speech = asr;
  speakForAWhile(ctl);
  const out = await executeGather(verb('<Gather input="speech" speechTimeout="1" partialResultCallback="/partial"/>', 'Gather'), ctl);
  assert.equal(out.kind === 'redirect' ? out.params?.SpeechResult : null, 'talk to billing');
  assert.equal(asr.asked.length, 1, 'only the final recognition');
  assert.deepEqual(ctl.notified, []);
});
