/**
 * End-to-end against SIPp (Debian sip-tester) over 127.0.0.1: SIPp as caller and as callee, UDP and TCP,
 * RTP echoed back by SIPp (-rtp_echo), RFC 2833 digits replayed from SIPp's pcaps, digest auth verified
 * by SIPp itself, and CANCEL. Lives with the SIP stack; pulls in media only as a test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSipEndpoint } from './endpoint.js';
import { generateBeep, rms } from '../media/index.js';
import type { RtpSession } from '../media/index.js';
import { freePort, freePortRange, hasBinary, spawnPeer, tempDir, waitFor, within } from './test-support/peers.js';
import { answerWithMedia, dialWithMedia } from './test-support/media-call.js';
import { UAC_DTMF, UAS_AUTH, UAS_ECHO, UAS_RING_CANCEL } from './test-support/sipp-scenarios.js';

const SIPP = '/usr/bin/sipp';
const skip = hasBinary(SIPP) ? false : 'sipp (Debian sip-tester) is not installed';

type Ctx = { after(fn: () => unknown): void };

async function setup(t: Ctx) {
  const dir = tempDir('sipp');
  const ep = await createSipEndpoint({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await ep.close();
    dir.remove();
  });
  const sipp = (args: string[]) => {
    const peer = spawnPeer(SIPP, [...args, '-i', '127.0.0.1', '-nostdin', '-timeout', '20s', '-timeout_error'], dir.path);
    t.after(() => peer.kill());
    return peer;
  };
  const scenario = (name: string, xml: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, xml);
    return path;
  };
  return { ep, sipp, scenario };
}

async function exitCode(peer: ReturnType<typeof spawnPeer>): Promise<number | null> {
  try {
    return await within(peer.exited, 25000, 'sipp');
  } finally {
    peer.kill();
  }
}

test('SIPp calls us (uac, 2 calls, UDP): we answer, play audio, SIPp echoes it back, SIPp hangs up', { skip }, async (t) => {
  const { ep, sipp } = await setup(t);
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
  const peer = sipp(['-sn', 'uac', `127.0.0.1:${ep.ports.udp}`, '-s', '+15551230000', '-p', '0', '-m', '2', '-r', '2', '-d', '2000', '-mp', String(mp), '-rtp_echo']);
  assert.equal(await exitCode(peer), 0, peer.output());
  await waitFor(() => recordings.length === 2, 5000, 'both calls to end');
  assert.deepEqual(users, ['+15551230000', '+15551230000']);
  for (const rec of recordings) {
    assert.ok(rec.length > 8000, `echoed audio recorded (${rec.length} samples)`);
    assert.ok(rms(rec) > 1000, `echo is not silence (rms ${rms(rec)})`);
  }
});

test('SIPp calls us over TCP', { skip }, async (t) => {
  const { ep, sipp } = await setup(t);
  const protocols: string[] = [];
  ep.on('invite', async (call) => {
    protocols.push(call.source.protocol);
    await answerWithMedia(call);
  });
  const peer = sipp(['-sn', 'uac', `127.0.0.1:${ep.ports.tcp}`, '-s', 'tcpuser', '-t', 't1', '-p', String(await freePort()), '-m', '1', '-d', '500', '-mp', String(await freePortRange(4))]);
  assert.equal(await exitCode(peer), 0, peer.output());
  assert.deepEqual(protocols, ['tcp']);
});

test('we call SIPp (uas + rtp echo): audio and RFC 4733 digits come back, we hang up', { skip }, async (t) => {
  const { ep, sipp, scenario } = await setup(t);
  const port = await freePort();
  const peer = sipp(['-sf', scenario('uas.xml', UAS_ECHO), '-p', String(port), '-m', '1', '-mp', String(await freePortRange(4)), '-rtp_echo']);
  let call;
  let rtp: RtpSession | undefined;
  for (let i = 0; i < 50 && !rtp; i++) { // SIPp needs a moment to bind; retry the INVITE until it is up
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

test('SIPp sends RFC 2833 digits from its pcaps (uac_pcap style): we decode 1, 5, #', { skip }, async (t) => {
  const { ep, sipp, scenario } = await setup(t);
  const digits: string[] = [];
  ep.on('invite', async (call) => {
    const rtp = await answerWithMedia(call);
    rtp?.on('digit', (d) => digits.push(d));
  });
  const peer = sipp(['-sf', scenario('uac_dtmf.xml', UAC_DTMF), `127.0.0.1:${ep.ports.udp}`, '-s', 'ivr', '-p', '0', '-m', '1', '-mp', String(await freePortRange(4))]);
  assert.equal(await exitCode(peer), 0, peer.output());
  assert.deepEqual(digits, ['1', '5', '#']);
});

test('SIPp challenges our INVITE (401, qop=auth) and verifies the digest itself', { skip }, async (t) => {
  const { ep, sipp, scenario } = await setup(t);
  const path = scenario('uas_auth.xml', UAS_AUTH);
  for (const [password, expected] of [['s3cret', 'answered'], ['wrong', 'rejected']] as const) {
    const port = await freePort();
    const peer = sipp(['-sf', path, '-p', String(port), '-m', '1', '-mp', String(await freePortRange(4))]);
    let outcome;
    for (let i = 0; i < 50; i++) {
      const r = await dialWithMedia(ep, `sip:+15551230000@127.0.0.1:${port}`, { auth: { username: 'trunkuser', password } });
      outcome = r.outcome;
      if (r.outcome.kind === 'failed') { // SIPp not listening yet
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

test('ring timeout: we CANCEL a ringing SIPp, it answers 200 + 487', { skip }, async (t) => {
  const { ep, sipp, scenario } = await setup(t);
  const port = await freePort();
  const peer = sipp(['-sf', scenario('uas_cancel.xml', UAS_RING_CANCEL), '-p', String(port), '-m', '1']);
  let outcome;
  for (let i = 0; i < 50; i++) {
    const call = ep.invite(`sip:slow@127.0.0.1:${port}`, '', { timeoutMs: 300 });
    outcome = await call.result;
    if (outcome.kind !== 'failed') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.deepEqual(outcome, { kind: 'no-answer' });
  assert.equal(await exitCode(peer), 0, peer.output());
});
