import type { FastifyInstance } from 'fastify';
import { errors } from '../core/errors.js';

/**
 * The Voice SDK's sounds for the console phone (the SDK loads each at start-up from Twilio's CDN unless
 * given URLs): keypad tones with the DTMF pairs, ringback, ringing and a hang-up beep, made here as 8 kHz
 * WAVs so the page fetches nothing from another host. Names are the SDK's (Device.SoundName).
 */
const RATE = 8000;

/** [frequencies, ms on, ms off] segments. */
type Pattern = Array<[number[], number, number]>;

const DTMF: Record<string, [number, number]> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  s: [941, 1209],
  '0': [941, 1336],
  h: [941, 1477],
};

const PATTERNS: Record<string, Pattern> = {
  // North American ringback and ringing (440 + 480 Hz, 2 s on, 4 s off); the SDK loops `incoming`.
  outgoing: [[[440, 480], 2000, 1000]],
  incoming: [[[440, 480], 2000, 4000]],
  disconnect: [
    [[480, 620], 250, 100],
    [[480, 620], 250, 100],
  ],
};
for (const [key, pair] of Object.entries(DTMF)) PATTERNS[`dtmf${key}`] = [[pair, 120, 30]];

function wav(pattern: Pattern): Buffer {
  const samples: number[] = [];
  for (const [freqs, on, off] of pattern) {
    const n = (on * RATE) / 1000;
    for (let i = 0; i < n; i++) {
      // A 5 ms fade at each end: no click.
      const fade = Math.min(1, i / 40, (n - i) / 40);
      samples.push((fade * 6000 * freqs.reduce((a, f) => a + Math.sin((2 * Math.PI * f * i) / RATE), 0)) / freqs.length);
    }
    for (let i = 0; i < (off * RATE) / 1000; i++) samples.push(0);
  }
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(Math.round(samples[i] ?? 0), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(RATE, 24);
  head.writeUInt32LE(RATE * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

export function consoleSoundRoutes(app: FastifyInstance): void {
  const files = new Map(Object.entries(PATTERNS).map(([name, p]) => [`${name}.wav`, wav(p)]));
  app.get('/console/sounds/:file', async (req, reply) => {
    const body = files.get((req.params as { file: string }).file);
    if (!body) throw errors.resourceNotFound(req.url);
    return reply.header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').type('audio/wav').send(body);
  });
}

export const SOUND_NAMES = Object.keys(PATTERNS);
