// The phrase set through real calls (part of npm run bench:speech; --no-calls skips it): a Switchboard in this process, one
// virtual phone per phrase that answers and plays the phrase's 8 kHz WAV (served from 127.0.0.1) one second
// after answering, into <Gather input="speech" hints="..."> whose action receives SpeechResult. The phrase
// then crosses the call's RTP path (mu-law on the wire, the jitter buffer, the endpointer) before the
// recognizer. `--calls-at-once` calls run together (default 4); every call is bounded in time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeWav } from '../src/voice/media/index.js';
import { startTestServer } from '../test/support/harness.js';
import { flag, receiver } from './lib.js';
import { KEYWORDS, type Phrase } from './speech-phrases.js';

export interface CallOutcome {
  phrase: Phrase;
  text: string;
  /** No action came within the bound (the call or the recognizer failed). */
  lost: boolean;
}

async function serveWavs(items: Phrase[]): Promise<{ base: string; server: Server }> {
  const wavs = items.map((p) => writeWav(p.pcm));
  const server = createServer((req, res) => {
    const i = Number(/^\/p(\d+)\.wav$/.exec(req.url ?? '')?.[1] ?? -1);
    const wav = wavs[i];
    if (!wav) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length }).end(wav);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export async function throughCalls(items: Phrase[]): Promise<CallOutcome[]> {
  const atOnce = Math.max(1, Number(flag('calls-at-once', '4')));
  const s = await startTestServer();
  const wavs = await serveWavs(items);
  const waiting = new Map<string, (text: string) => void>();
  const app = await receiver((path, params) => {
    const m = /^\/heard\/(\d+)$/.exec(path);
    if (m) waiting.get(m[1]!)?.(params.get('SpeechResult') ?? '');
  });
  try {
    const shop = (await s.client.incomingPhoneNumbers.create({ areaCode: '415' })).phoneNumber;
    const out: CallOutcome[] = new Array(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        const phrase = items[i]!;
        const phone = `+1555070${String(1000 + i).padStart(4, '0')}`;
        const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/CallBehavior`, {
          method: 'POST',
          form: { Audio: ['pause:1', `play:${wavs.base}/p${i}.wav`, 'pause:20'], HangupAfter: '40' },
        });
        if (res.status !== 200) throw new Error(`virtual phone behaviour: ${res.status} ${await res.text()}`);
        const heard = new Promise<string | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 60_000);
          waiting.set(String(i), (text) => {
            clearTimeout(timer);
            resolve(text);
          });
        });
        const twiml =
          `<Response><Gather input="speech" hints="${KEYWORDS.join(', ')}" speechTimeout="auto" timeout="10" actionOnEmptyResult="true" ` +
          `action="${app.url}/heard/${i}"/><Hangup/></Response>`;
        const call = await s.client.calls.create({ to: phone, from: shop, twiml });
        const text = await heard;
        waiting.delete(String(i));
        out[i] = { phrase, text: text ?? '', lost: text === null };
        await s.client
          .calls(call.sid)
          .update({ status: 'completed' })
          .catch(() => undefined); // already over
      }
    };
    await Promise.all(Array.from({ length: atOnce }, worker));
    return out;
  } finally {
    app.server.close();
    wavs.server.close();
    await s.close();
  }
}
