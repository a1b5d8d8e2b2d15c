// A Media Stream at the media layer: a call's session opens the app's WebSocket (a `ws` server here, as the
// public samples use), the caller's audio reaches the app as Twilio's media messages, the app's audio is
// paced back to the caller with its marks, digits go to the app, and `clear` cuts playback at once. Run
// with the session on this thread and on a real engine thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { RtpSession } from '../../media/session.js';
import { engineEntry, MediaEngine } from '../../media/engine/pool.js';
import type { MediaSession } from '../../media/media-session.js';
import { encodePcm } from '../../media/g711.js';
import { tone, toneShare } from '../../media/spectrum.js';
import type { StreamReport, StreamSpec } from '../types.js';
import { Playout } from './playout.js';
import { parseAppMessage } from './messages.js';
import { createStreamHub } from './hub.js';

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`${what} timed out`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Json = Record<string, unknown>;

/** Milliseconds of a recording that are not silence (20 ms frames over -40 dBFS). */
function loudMs(pcm: Int16Array): number {
  let ms = 0;
  for (let at = 0; at + 160 <= pcm.length; at += 160) {
    let sum = 0;
    for (let i = at; i < at + 160; i++) sum += (pcm[i] ?? 0) ** 2;
    if (Math.sqrt(sum / 160) > 327) ms += 20;
  }
  return ms;
}

function spec(url: string, over: Partial<StreamSpec> = {}): StreamSpec {
  return {
    sid: 'MZ00000000000000000000000000000001',
    accountSid: 'AC00000000000000000000000000000001',
    callSid: 'CA00000000000000000000000000000001',
    url,
    address: null,
    signature: 'sig',
    tracks: ['inbound'],
    bidirectional: true,
    customParameters: { who: 'tester' },
    connectTimeoutMs: 2000,
    maxQueuedBytes: 8000 * 60,
    maxBufferedBytes: 256 * 1024,
    ...over,
  };
}

test('playout: paced frames, marks after their audio, clear returns pending marks', () => {
  const p = new Playout(1000);
  const due: string[] = [];
  assert.equal(p.mark('empty'), true, 'a mark with nothing queued is due at once');
  assert.equal(p.push(new Uint8Array(200).fill(1)), true);
  assert.equal(p.mark('a'), false);
  p.push(new Uint8Array(200).fill(2));
  p.mark('b');
  const out = Buffer.alloc(160);
  assert.equal(
    p.fill('PCMU', out, 0, 160, (n) => due.push(n)),
    160,
  );
  assert.equal(due.length, 0);
  assert.equal(
    p.fill('PCMU', out, 0, 160, (n) => due.push(n)),
    160,
  );
  assert.deepEqual(due, ['a'], 'a is due with the frame that held its last byte');
  assert.equal(out[39], 1);
  assert.equal(out[40], 2);
  assert.equal(p.push(new Uint8Array(1000)), false, 'over the bound: refused');
  assert.deepEqual(p.clear(), ['b']);
  assert.equal(
    p.fill('PCMU', out, 0, 160, (n) => due.push(n)),
    0,
  );
});

test('app messages: media, mark, clear; anything else is named', () => {
  const m = parseAppMessage('{"event":"media","streamSid":"MZ1","media":{"payload":"//8="}}');
  assert.ok(typeof m !== 'string' && m.event === 'media' && m.payload.length === 2);
  assert.deepEqual(parseAppMessage('{"event":"mark","streamSid":"MZ1","mark":{"name":"x"}}'), { event: 'mark', name: 'x' });
  assert.deepEqual(parseAppMessage('{"event":"clear","streamSid":"MZ1"}'), { event: 'clear' });
  assert.equal(typeof parseAppMessage('{"event":"start"}'), 'string');
  assert.equal(typeof parseAppMessage('nope'), 'string');
  assert.equal(typeof parseAppMessage('{"event":"media","media":{"payload":"***"}}'), 'string');
});

async function scenario(open: () => Promise<MediaSession>): Promise<void> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`;
  const got: Json[] = [];
  const raw: string[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  let app: WebSocket | null = null;
  wss.on('connection', (ws, req) => {
    app = ws;
    headers.push(req.headers);
    ws.on('message', (d) => {
      raw.push(d.toString());
      got.push(JSON.parse(d.toString()) as Json);
    });
  });
  const phone = await open();
  const leg = await open();
  const reports: [string, StreamReport][] = [];
  leg.on('stream', (sid, r) => reports.push([sid, r]));
  try {
    phone.setRemote('127.0.0.1', leg.port);
    leg.setRemote('127.0.0.1', phone.port);
    leg.startStream(spec(url));
    await until(() => reports.some(([, r]) => r.kind === 'started') && raw.length >= 2, 5000, 'stream started');
    assert.equal(headers[0]?.['x-twilio-signature'], 'sig');
    assert.equal(raw[0], '{"event":"connected","protocol":"Call","version":"1.0.0"}');
    assert.deepEqual(got[1], {
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: 'AC00000000000000000000000000000001',
        streamSid: 'MZ00000000000000000000000000000001',
        callSid: 'CA00000000000000000000000000000001',
        tracks: ['inbound'],
        customParameters: { who: 'tester' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: 'MZ00000000000000000000000000000001',
    });
    // The caller says 700 Hz for a second: the app gets it as 20 ms mu-law chunks.
    await phone.play(tone(700, 1000));
    await until(() => got.filter((m) => m.event === 'media').length >= 45, 3000, 'media');
    const media = got.filter((m) => m.event === 'media');
    const first = media[0] as { sequenceNumber: string; media: Json; streamSid: string };
    assert.deepEqual(Object.keys(first), ['event', 'sequenceNumber', 'media', 'streamSid']);
    assert.deepEqual(Object.keys(first.media), ['track', 'chunk', 'timestamp', 'payload']);
    assert.equal(first.sequenceNumber, '2');
    assert.equal(first.media.track, 'inbound');
    assert.equal(first.media.chunk, '1');
    assert.equal(Buffer.from(String(first.media.payload), 'base64').length, 160);
    const second = media[1] as { media: Json };
    assert.equal(Number(second.media.timestamp) - Number(first.media.timestamp), 20, 'timestamps 20 ms apart');
    // Echo: the app sends 1 s of 1200 Hz in one burst, then a mark; the caller hears it paced, and the mark
    // comes back only after it has played.
    phone.startRecording(10, 'call');
    const sentAt = Date.now();
    const burst = encodePcm('PCMU', tone(1200, 1000)).toString('base64');
    app!.send(JSON.stringify({ event: 'media', streamSid: 'MZ00000000000000000000000000000001', media: { payload: burst } }));
    app!.send(JSON.stringify({ event: 'mark', streamSid: 'MZ00000000000000000000000000000001', mark: { name: 'echoed' } }));
    await until(() => got.some((m) => m.event === 'mark'), 5000, 'mark back');
    const markAfter = Date.now() - sentAt;
    assert.ok(markAfter >= 900, `the mark came back after its audio played (${markAfter} ms)`);
    const mark = got.find((m) => m.event === 'mark') as Json;
    assert.deepEqual(Object.keys(mark), ['event', 'sequenceNumber', 'streamSid', 'mark']);
    assert.deepEqual(mark.mark, { name: 'echoed' });
    await new Promise((r) => setTimeout(r, 200));
    const heard = (await phone.takeRecording('call'))!;
    assert.ok(toneShare(heard, 1200) > 0.5, `the caller heard the app (${toneShare(heard, 1200)})`);
    // A digit reaches the app.
    await phone.sendDigits('7');
    await until(() => got.some((m) => m.event === 'dtmf'), 3000, 'dtmf');
    const dtmf = got.find((m) => m.event === 'dtmf') as Json;
    assert.deepEqual(dtmf.dtmf, { track: 'inbound_track', digit: '7' });
    // Barge-in: 5 s queued, then clear: the pending mark returns at once and playback stops.
    phone.startRecording(10, 'call');
    app!.send(JSON.stringify({ event: 'media', streamSid: 'x', media: { payload: encodePcm('PCMU', tone(900, 5000)).toString('base64') } }));
    app!.send(JSON.stringify({ event: 'mark', streamSid: 'x', mark: { name: 'long' } }));
    await new Promise((r) => setTimeout(r, 400));
    const clearedAt = Date.now();
    app!.send(JSON.stringify({ event: 'clear', streamSid: 'x' }));
    await until(() => got.some((m) => m.event === 'mark' && (m.mark as Json).name === 'long'), 2000, 'cleared mark');
    assert.ok(Date.now() - clearedAt < 1000, 'the cleared mark comes back at once');
    await new Promise((r) => setTimeout(r, 600));
    const cut = (await phone.takeRecording('call'))!;
    const loud = loudMs(cut);
    assert.ok(toneShare(cut, 900) > 0.5 && loud > 200 && loud < 900, `playback stopped at the clear (${loud} ms of 900 Hz heard)`);
    // Stopping sends `stop` and closes.
    leg.stopStream('MZ00000000000000000000000000000001');
    await until(() => got.some((m) => m.event === 'stop'), 3000, 'stop');
    const stop = got.find((m) => m.event === 'stop') as Json;
    assert.deepEqual(stop.stop, { accountSid: 'AC00000000000000000000000000000001', callSid: 'CA00000000000000000000000000000001' });
    await until(() => reports.some(([, r]) => r.kind === 'stopped'), 3000, 'stopped report');
  } finally {
    await phone.close();
    await leg.close();
    await new Promise((r) => wss.close(r));
  }
}

test('a bidirectional stream on this thread', async () => {
  await scenario(() => RtpSession.open({ host: '127.0.0.1', streamTaps: createStreamHub }));
});

test('a bidirectional stream on an engine thread', async () => {
  const engine = new MediaEngine(1, {}, { entry: engineEntry(import.meta.url, '../../engine-worker') });
  try {
    await scenario(() => engine.open({ host: '127.0.0.1', strict: false }));
  } finally {
    await engine.close();
  }
});

test('connection failures are reported with their codes', async () => {
  const leg = await RtpSession.open({ host: '127.0.0.1', streamTaps: createStreamHub });
  const reports: StreamReport[] = [];
  leg.on('stream', (_sid, r) => reports.push(r));
  const http = (await import('node:http')).createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  try {
    leg.startStream(spec(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, { sid: 'MZa' }));
    leg.startStream(spec('ws://127.0.0.1:1/', { sid: 'MZb' }));
    await until(() => reports.length === 2, 5000, 'two failures');
    const codes = reports.map((r) => (r.kind === 'error' ? r.code : 0)).sort();
    assert.deepEqual(codes, [31901, 31920]);
  } finally {
    await leg.close();
    http.close();
  }
});

test('a session opened without the streams factory fails a stream at once (31901)', async () => {
  const leg = await RtpSession.open({ host: '127.0.0.1' });
  const reports: StreamReport[] = [];
  leg.on('stream', (_sid, r) => reports.push(r));
  try {
    leg.startStream(spec('ws://127.0.0.1:1/', { sid: 'MZc' }));
    assert.deepEqual(
      reports.map((r) => (r.kind === 'error' ? r.code : r.kind)),
      [31901],
    );
  } finally {
    await leg.close();
  }
});
