/**
 * Verify's call channel to a real softphone: Switchboard's SIP trunk points at baresip (Debian baresip-core),
 * which auto-answers. What baresip recorded of the call is recognised digit by digit (matched against
 * espeak-ng's own rendering of each digit, test/support/spoken-digits.ts), and the digits heard are checked
 * as the code with the Verify API: approved only if the call said the right code, audibly, in English.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readWav, rms } from '../src/voice/media/index.js';
import { resolveVoice } from '../src/voice/tts/voices.js';
import { digitMatcher, spokenSegments } from './support/spoken-digits.js';
import { startBaresip, type Baresip } from './support/baresip.js';
import { waitFor } from '../src/voice/sip/test-support/peers.js';
import { toolMissing } from './support/tools.js';
import { eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const skip = toolMissing('baresip') || toolMissing('espeak-ng');
let s: TestServer | undefined;
let bs: Baresip | undefined;
after(async () => {
  bs?.stop();
  await s?.close();
});

test('channel=call: the code is spoken to a baresip callee reached through the SIP trunk, and the digits it heard are the code', { skip }, async () => {
  // The trunk sends +15558670101 as 15558670101 (prefix=, an empty prefix for '+'): the user baresip answers as.
  bs = await startBaresip({ user: '15558670101' });
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1', sipTrunk: `sip:127.0.0.1:${bs.sipPort};prefix=` });
  // Verify calls from one of the account's numbers.
  await s.client.incomingPhoneNumbers.create({ areaCode: '415' });
  const service = await s.client.verify.v2.services.create({ friendlyName: 'Bakery' });
  const v = await s.client.verify.v2.services(service.sid).verifications.create({ to: '+15558670101', channel: 'call' });
  assert.equal(v.channel, 'call');
  assert.equal(v.status, 'pending');
  await bs.waitEvent('CALL_ESTABLISHED', 20_000).catch(async (err: Error) => {
    const list = await s!.client.calls.list({ limit: 5 });
    throw new Error(`${err.message}; calls: ${JSON.stringify(list.map((c) => [c.to, c.status]))}`);
  });
  await bs.waitEvent('CALL_CLOSED', 60_000);
  await waitFor(() => bs!.dump('dec'), 5000, 'sndfile dump');
  const { info, pcm } = readWav(bs.dump('dec')!);
  assert.equal(info.sampleRate, 8000);
  const seconds = pcm.length / 8000;
  // "Your Bakery verification code is: 1, 2, 3, 4, 5, 6. I repeat, ..." takes several seconds to say.
  assert.ok(seconds > 6, `baresip heard ${seconds.toFixed(1)} s`);
  assert.ok(rms(pcm) > 300, 'what baresip heard is not silence');
  const calls = await eventually(async () => {
    const list = await s!.client.calls.list({ to: '+15558670101' });
    return list[0]?.status === 'completed' ? list : undefined;
  }, 20_000);
  assert.equal(calls.length, 1);
  // "Your Bakery verification code is: 9, 8, 1, 4, 0, 7. I repeat, your ... 9, 8, 1, 4, 0, 7.": the code's
  // digits are the last six spoken segments (split at the commas' pauses), each matched on its own. Where
  // the first saying ends is not found reliably (its closing pause can be as short as a comma's), so only
  // the repeat is read; both sayings must still be there.
  const segments = spokenSegments(pcm);
  assert.ok(segments.length >= 14, `expected two sayings of the introduction and six digits, heard ${segments.length} segments`);
  const match = digitMatcher(resolveVoice('alice', 'en-US').voice);
  const heard = segments
    .slice(-6)
    .map(([from, to]) => match(pcm.subarray(from, to)).digit)
    .join('');
  const check = await s.client.verify.v2.services(service.sid).verificationChecks.create({ to: '+15558670101', code: heard });
  assert.equal(check.status, 'approved', `the digits heard (${heard}) are the code that was sent`);
});
