/**
 * Switchboard against SIPp (Debian sip-tester) over 127.0.0.1: SIPp calls our numbers (UDP, RFC 2833
 * digits into <Gather>), answers our calls (and echoes our audio), and refuses them busy. Unknown numbers
 * get 404. Below, the SIP endpoint alone (no server) against SIPp as caller and callee, UDP and TCP: RTP
 * echoed back (-rtp_echo), RFC 2833 digits replayed from SIPp's pcaps, digest auth verified by SIPp itself,
 * and CANCEL.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import twilio from 'twilio';
import { createSipEndpoint } from '../src/voice/sip/index.js';
import type { InviteOutcome, OutgoingCall } from '../src/voice/sip/index.js';
import { createOffer, generateBeep, rms } from '../src/voice/media/index.js';
import type { RtpSession } from '../src/voice/media/index.js';
import { freePort, freePortRange, spawnPeer, tempDir, waitFor, waitForUdpListener, within } from '../src/voice/sip/test-support/peers.js';
import { toolMissing } from './support/tools.js';
import { answerWithMedia, dialWithMedia } from './support/media-call.js';
import { UAC_DIVERSION, UAC_DTMF, UAS_AUTH, UAS_BUSY, UAS_ECHO, UAS_RING_CANCEL } from './support/sipp-scenarios.js';
import { FakeApp, eventually } from './support/app.js';
import { startTestServer, type TestServer } from './support/harness.js';

const SIPP = '/usr/bin/sipp';
const noSipp = toolMissing('sipp');
const skip = noSipp || toolMissing('espeak-ng');

let s: TestServer;
let app: FakeApp;
let shop = '';
let sipPort = 0;
const dir = tempDir('sb-sipp');

before(async () => {
  if (skip) return;
  // A Lookup data source with CNAM for one caller: CallerName for numbers with VoiceCallerIdLookup on.
  const lookupSource = {
    caller_name: async (q: { phoneNumber: string }) =>
      q.phoneNumber === '+14155550142' ? { caller_name: 'ACME BAKERY', caller_type: 'BUSINESS', error_code: null } : null,
  };
  s = await startTestServer({ sipPort: 0, sipHost: '127.0.0.1' }, {}, { lookupSource });
  sipPort = s.sb.voice.sipPorts().udp!;
  app = await new FakeApp().start();
  shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415', voiceUrl: `${app.base}/voice`, statusCallback: `${app.base}/status` })).phoneNumber;
});
after(async () => {
  dir.remove();
  if (skip) return;
  await s.close();
  await app.stop();
});

function sipp(args: string[]) {
  const peer = spawnPeer(SIPP, [...args, '-i', '127.0.0.1', '-nostdin', '-timeout', '25s', '-timeout_error'], dir.path);
  return peer;
}
async function exitCode(peer: ReturnType<typeof spawnPeer>): Promise<number | null> {
  try {
    return await within(peer.exited, 30_000, 'sipp');
  } finally {
    peer.kill();
  }
}
function scenario(name: string, xml: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, xml);
  return path;
}
const final = (sid: string) =>
  eventually(async () => {
    const c = await s.client.calls(sid).fetch();
    return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status) ? c : undefined;
  }, 20_000);

test('SIPp calls our number twice: signed webhooks, audio both ways, SIPp hangs up, calls completed', { skip }, async () => {
  app.respond((r) => (r.path === '/voice' ? { body: '<Response><Say>Hello from Switchboard.</Say><Pause length="20"/></Response>' } : undefined));
  const seen = app.received.length;
  // SIPp binds its SIP port, audio and video RTP (mp, mp+2): all from one reserved range, so they cannot collide.
  const mp = await freePortRange(6);
  const peer = sipp([
    '-sn',
    'uac',
    `127.0.0.1:${sipPort}`,
    '-s',
    shop,
    '-p',
    String(mp + 4),
    '-m',
    '2',
    '-r',
    '2',
    '-d',
    '2500',
    '-mp',
    String(mp),
    '-rtp_echo',
  ]);
  assert.equal(await exitCode(peer), 0, peer.output());
  const hooks = app.received.slice(seen).filter((r) => r.path === '/voice');
  assert.equal(hooks.length, 2);
  for (const hook of hooks) {
    assert.ok(twilio.validateRequest(s.authToken, String(hook.headers['x-twilio-signature']), hook.url, hook.params));
    assert.equal(hook.params.CallStatus, 'ringing');
    const done = await final(hook.params.CallSid!);
    assert.equal(done.status, 'completed');
    assert.ok(Number(done.duration) >= 2, `duration ${done.duration}`);
    const cb = await app.waitFor((r) => r.path === '/status' && r.params.CallSid === hook.params.CallSid);
    assert.equal(cb.params.CallStatus, 'completed');
  }
});

test('RFC 2833 digits SIPp sends reach the Gather action', { skip }, async () => {
  app.respond((r) => {
    if (r.path === '/voice' && r.params.Digits === undefined)
      return { body: '<Response><Gather finishOnKey="#" timeout="5"><Say>Enter your account number, then hash.</Say></Gather></Response>' };
    if (r.path === '/voice') return { body: '<Response><Say>Thanks.</Say></Response>' };
    return undefined;
  });
  const mp = await freePortRange(6);
  const peer = sipp(['-sf', scenario('dtmf.xml', UAC_DTMF), `127.0.0.1:${sipPort}`, '-s', shop, '-p', String(mp + 4), '-m', '1', '-mp', String(mp)]);
  const action = await app.waitFor((r) => r.path === '/voice' && r.params.Digits !== undefined, 20_000);
  assert.equal(action.params.Digits, '15');
  assert.equal(action.params.FinishedOnKey, '#');
  await exitCode(peer);
});

test('a forwarded SIPp call: ForwardedFrom from the Diversion header, CallerName from Lookup (VoiceCallerIdLookup on), From/To geography as in SMS webhooks', {
  skip,
}, async () => {
  const forwardedTo = await s.client.incomingPhoneNumbers.create({ areaCode: '650', voiceUrl: `${app.base}/forwarded`, voiceCallerIdLookup: true });
  app.respond((r) => (r.path === '/forwarded' ? { body: '<Response><Pause length="5"/></Response>' } : undefined));
  const mp = await freePortRange(6);
  const peer = sipp([
    '-sf',
    scenario('diversion.xml', UAC_DIVERSION),
    `127.0.0.1:${sipPort}`,
    '-s',
    forwardedTo.phoneNumber,
    '-p',
    String(mp + 4),
    '-m',
    '1',
    '-mp',
    String(mp),
  ]);
  assert.equal(await exitCode(peer), 0, peer.output());
  const hook = await app.waitFor((r) => r.path === '/forwarded', 5_000);
  assert.equal(hook.params.ForwardedFrom, '+14155550177', 'the first (most recent) Diversion entry');
  assert.equal(hook.params.CallerName, 'ACME BAKERY');
  assert.equal(hook.params.From, '+14155550142');
  for (const role of ['From', 'To', 'Caller', 'Called']) {
    assert.deepEqual(
      ['City', 'State', 'Zip', 'Country'].map((f) => hook.params[`${role}${f}`]),
      ['', '', '', 'US'],
      role,
    );
  }
  const call = await s.client.calls(hook.params.CallSid!).fetch();
  assert.deepEqual([call.forwardedFrom, call.callerName], ['+14155550177', 'ACME BAKERY']);
  app.respond(() => undefined);
});

test('calls.create to a SIP URI: SIPp answers, hears us (echo), gets our BYE; a busy SIPp makes the call busy', { skip }, async () => {
  const port = await freePort();
  const uas = sipp(['-sf', scenario('uas.xml', UAS_ECHO), '-p', String(port), '-m', '1', '-mp', String(await freePortRange(4)), '-rtp_echo']);
  await waitForUdpListener(port);
  const call = await s.client.calls.create({
    to: `sip:echo@127.0.0.1:${port}`,
    from: shop,
    twiml: '<Response><Say>Testing one two three.</Say><Hangup/></Response>',
    sendDigits: '12',
  });
  assert.equal(await exitCode(uas), 0, uas.output());
  const done = await final(call.sid);
  assert.equal(done.status, 'completed');
  assert.equal(done.to, `sip:echo@127.0.0.1:${port}`);

  const busyPort = await freePort();
  const busy = sipp(['-sf', scenario('busy.xml', UAS_BUSY), '-p', String(busyPort), '-m', '1']);
  await waitForUdpListener(busyPort);
  const refused = await s.client.calls.create({
    to: `sip:busy@127.0.0.1:${busyPort}`,
    from: shop,
    url: `${app.base}/never`,
    statusCallback: `${app.base}/busy-status`,
  });
  assert.equal((await final(refused.sid)).status, 'busy');
  assert.equal((await app.waitFor((r) => r.path === '/busy-status')).params.CallStatus, 'busy');
  assert.equal(await exitCode(busy), 0, busy.output());
});

test('an INVITE for a number nobody owns gets 404', { skip }, async () => {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  try {
    const out = ep.invite(`sip:+15550009999@127.0.0.1:${sipPort}`, createOffer({ address: '127.0.0.1', port: 40000 }), { timeoutMs: 5000 });
    const outcome = await out.result;
    assert.equal(outcome.kind, 'rejected');
    assert.equal(outcome.kind === 'rejected' ? outcome.status : 0, 404);
  } finally {
    await ep.close();
  }
});

// ----- The SIP endpoint alone, without the server -----

type Ctx = { after(fn: () => unknown): void };

/** A bare SIP endpoint on 127.0.0.1 and a way to start SIPp peers; both are closed when the test ends. */
async function endpointRig(t: Ctx) {
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  t.after(() => ep.close());
  const startSipp = (args: string[]) => {
    const peer = sipp(args);
    t.after(() => peer.kill());
    return peer;
  };
  return { ep, startSipp };
}

test('endpoint: SIPp calls us (uac, 2 calls, UDP): we answer, play audio, SIPp echoes it back, SIPp hangs up', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const recordings: Int16Array[] = [];
  const users: Array<string | undefined> = [];
  ep.on('invite', async (call) => {
    users.push(call.requestUser);
    call.ringing();
    const rtp = await answerWithMedia(call);
    if (!rtp) return;
    rtp.startRecording();
    void rtp.play(generateBeep({ durationMs: 400, frequency: 700 }), { loop: 0 });
    call.once('bye', () => recordings.push(rtp.stopRecording() ?? new Int16Array(0)));
  });
  const mp = await freePortRange(4);
  const peer = startSipp([
    '-sn',
    'uac',
    `127.0.0.1:${ep.ports.udp}`,
    '-s',
    '+15551230000',
    '-p',
    '0',
    '-m',
    '2',
    '-r',
    '2',
    '-d',
    '2000',
    '-mp',
    String(mp),
    '-rtp_echo',
  ]);
  assert.equal(await exitCode(peer), 0, peer.output());
  await waitFor(() => recordings.length === 2, 5000, 'both calls to end');
  assert.deepEqual(users, ['+15551230000', '+15551230000']);
  for (const rec of recordings) {
    assert.ok(rec.length > 8000, `echoed audio recorded (${rec.length} samples)`);
    assert.ok(rms(rec) > 1000, `echo is not silence (rms ${rms(rec)})`);
  }
});

test('endpoint: SIPp calls us over TCP', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const protocols: string[] = [];
  ep.on('invite', async (call) => {
    protocols.push(call.source.protocol);
    await answerWithMedia(call);
  });
  const peer = startSipp([
    '-sn',
    'uac',
    `127.0.0.1:${ep.ports.tcp}`,
    '-s',
    'tcpuser',
    '-t',
    't1',
    '-p',
    String(await freePort()),
    '-m',
    '1',
    '-d',
    '500',
    '-mp',
    String(await freePortRange(4)),
  ]);
  assert.equal(await exitCode(peer), 0, peer.output());
  assert.deepEqual(protocols, ['tcp']);
});

test('endpoint: we call SIPp (uas + rtp echo): audio and RFC 4733 digits come back, we hang up', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const port = await freePort();
  const peer = startSipp(['-sf', scenario('uas.xml', UAS_ECHO), '-p', String(port), '-m', '1', '-mp', String(await freePortRange(4)), '-rtp_echo']);
  let call: OutgoingCall | undefined;
  let rtp: RtpSession | undefined;
  for (let i = 0; i < 50 && !rtp; i++) {
    // SIPp needs a moment to bind; retry the INVITE until it is up
    const r = await dialWithMedia(ep, `sip:service@127.0.0.1:${port}`, { timeoutMs: 5000 });
    if (r.outcome.kind === 'answered') ({ call, rtp } = r);
    else await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(call && rtp, 'SIPp answered');
  const digits: string[] = [];
  rtp.on('digit', (d) => digits.push(d));
  rtp.startRecording();
  await rtp.play(generateBeep({ durationMs: 1000 }));
  await rtp.sendDigits('123', { durationMs: 100, gapMs: 100 });
  await waitFor(() => digits.length === 3, 3000, 'echoed digits');
  const rec = rtp.stopRecording() ?? new Int16Array(0);
  assert.deepEqual(digits, ['1', '2', '3']);
  assert.ok(rec.length > 6000 && rms(rec) > 1000, `echoed beep recorded (${rec.length} samples, rms ${rms(rec)})`);
  await call.bye();
  assert.equal(await exitCode(peer), 0, peer.output());
});

test('endpoint: SIPp sends RFC 2833 digits from its pcaps (uac_pcap style): we decode 1, 5, #', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const digits: string[] = [];
  ep.on('invite', async (call) => {
    const rtp = await answerWithMedia(call);
    rtp?.on('digit', (d) => digits.push(d));
  });
  const peer = startSipp([
    '-sf',
    scenario('uac_dtmf.xml', UAC_DTMF),
    `127.0.0.1:${ep.ports.udp}`,
    '-s',
    'ivr',
    '-p',
    '0',
    '-m',
    '1',
    '-mp',
    String(await freePortRange(4)),
  ]);
  assert.equal(await exitCode(peer), 0, peer.output());
  assert.deepEqual(digits, ['1', '5', '#']);
});

test('endpoint: SIPp challenges our INVITE (401, qop=auth) and verifies the digest itself', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const path = scenario('uas_auth.xml', UAS_AUTH);
  for (const [password, expected] of [
    ['s3cret', 'answered'],
    ['wrong', 'rejected'],
  ] as const) {
    const port = await freePort();
    const peer = startSipp(['-sf', path, '-p', String(port), '-m', '1', '-mp', String(await freePortRange(4))]);
    let outcome: InviteOutcome | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await dialWithMedia(ep, `sip:+15551230000@127.0.0.1:${port}`, { auth: { username: 'trunkuser', password } });
      outcome = r.outcome;
      if (r.outcome.kind === 'failed') {
        // SIPp not listening yet
        await new Promise((res) => setTimeout(res, 100));
        continue;
      }
      if (r.outcome.kind === 'answered') await r.call.bye();
      break;
    }
    assert.equal(outcome?.kind, expected);
    if (expected === 'rejected') assert.equal(outcome?.kind === 'rejected' && outcome.status, 403);
    const code = await exitCode(peer);
    assert.equal(code === 0, expected === 'answered', peer.output());
  }
});

test('endpoint: ring timeout: we CANCEL a ringing SIPp, it answers 200 + 487', { skip: noSipp }, async (t) => {
  const { ep, startSipp } = await endpointRig(t);
  const port = await freePort();
  const peer = startSipp(['-sf', scenario('uas_cancel.xml', UAS_RING_CANCEL), '-p', String(port), '-m', '1']);
  let outcome: InviteOutcome | undefined;
  for (let i = 0; i < 50; i++) {
    const call = ep.invite(`sip:slow@127.0.0.1:${port}`, '', { timeoutMs: 300 });
    outcome = await call.result;
    if (outcome.kind !== 'failed') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.deepEqual(outcome, { kind: 'no-answer' });
  assert.equal(await exitCode(peer), 0, peer.output());
});
