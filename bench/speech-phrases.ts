// The fixed phrase set of `npm run bench:speech`: 20 sentences, each with one keyword, spoken by espeak-ng
// (en-us) and flite (slt), made 8 kHz as on a call, clean and with line noise (white noise about 25 dB under
// the speech): 80 utterances. Shared by the engine-level and the through-calls measurements.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatPcm, readWav, resampleTo8k, silence } from '../src/voice/media/index.js';
import { EspeakEngine } from '../src/voice/tts/index.js';

export const KEYWORDS = ['billing', 'support', 'sales', 'agent', 'cancel', 'balance', 'appointment', 'pharmacy', 'refund', 'order'];
export const SENTENCES = [
  'billing',
  'support',
  'sales please',
  'I need to talk to an agent',
  'cancel',
  'what is my balance',
  'I want to make an appointment',
  'pharmacy',
  'I would like a refund',
  'where is my order',
  'I have a question about billing',
  'technical support please',
  'sales',
  'agent',
  'I want to cancel my account',
  'balance',
  'appointment',
  'connect me to the pharmacy',
  'refund',
  'order status',
];

export interface Phrase {
  text: string;
  keyword: string;
  voice: 'espeak-ng' | 'flite';
  noise: boolean;
  /** 8 kHz PCM16 with 300 ms of silence either side. */
  pcm: Int16Array;
}

function flite(text: string): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-flite-'));
  try {
    execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', join(dir, 'o.wav')]);
    const { pcm, info } = readWav(readFileSync(join(dir, 'o.wav')));
    return resampleTo8k(pcm, info.sampleRate);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function noisy(pcm: Int16Array, seed: number): Int16Array {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff - 0.5;
  };
  return pcm.map((v) => Math.max(-32768, Math.min(32767, v + Math.round(rand() * 600))));
}

export async function phrases(): Promise<Phrase[]> {
  const espeak = new EspeakEngine();
  const out: Phrase[] = [];
  for (const [i, text] of SENTENCES.entries()) {
    const keyword = KEYWORDS.find((k) => text.includes(k))!;
    const voices: Array<[Phrase['voice'], Int16Array]> = [
      ['espeak-ng', await espeak.synthesize({ text, voice: 'alice', language: 'en-US' })],
      ['flite', flite(text)],
    ];
    for (const [voice, pcm] of voices) {
      const padded = concatPcm([silence(300), pcm, silence(300)]);
      out.push({ text, keyword, voice, noise: false, pcm: padded }, { text, keyword, voice, noise: true, pcm: noisy(padded, i + 1) });
    }
  }
  return out;
}

/** Word-level edit distance (substitutions, insertions, deletions). */
export function wordErrors(ref: string[], hyp: string[]): number {
  const d = Array.from({ length: ref.length + 1 }, (_, i) => [i, ...Array<number>(hyp.length).fill(0)]);
  for (let j = 1; j <= hyp.length; j++) d[0]![j] = j;
  for (let i = 1; i <= ref.length; i++)
    for (let j = 1; j <= hyp.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
  return d[ref.length]![hyp.length]!;
}
