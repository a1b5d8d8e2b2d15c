// npm run bench:speech [-- --concurrency 2 --section speech]
// Speech recognition and answering machine detection, measured on the engines themselves (not through
// calls): 20 sentences, each with one keyword, spoken by espeak-ng (en-us) and flite (slt), made 8 kHz
// (as on a call), clean and with line noise (white noise about 25 dB under the speech): 80 utterances.
// Reported: the share whose keyword is in the result with `hints` (the 10 keywords) and without (open
// vocabulary, clean utterances only), word error rate without hints, and recognition latency (the time
// recognize() takes, i.e. after the end of speech) p50/p99. AMD: 40 generated answers (short human
// greetings, long machine greetings with and without a beep, silence, fax CNG) fed to the detector with
// Twilio's default thresholds (DetectMessageEnd), with the confusion table. Writes docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnsweringMachineDetector, type AnsweredBy } from '../src/voice/amd/detector.js';
import { concatPcm, readWav, resampleTo8k, silence, tone } from '../src/voice/media/index.js';
import { PocketsphinxRecognizer } from '../src/voice/speech/index.js';
import { EspeakEngine } from '../src/voice/tts/index.js';
import { flag, machine, percentile, writeSection } from './lib.js';

const CONCURRENCY = Number(flag('concurrency', '2'));
const SECTION = flag('section', 'speech');
const KEYWORDS = ['billing', 'support', 'sales', 'agent', 'cancel', 'balance', 'appointment', 'pharmacy', 'refund', 'order'];
const SENTENCES = [
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

function noisy(pcm: Int16Array, seed: number): Int16Array {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff - 0.5;
  };
  return pcm.map((v) => Math.max(-32768, Math.min(32767, v + Math.round(rand() * 600))));
}

function wordErrors(ref: string[], hyp: string[]): number {
  const d = Array.from({ length: ref.length + 1 }, (_, i) => [i, ...Array<number>(hyp.length).fill(0)]);
  for (let j = 1; j <= hyp.length; j++) d[0]![j] = j;
  for (let i = 1; i <= ref.length; i++)
    for (let j = 1; j <= hyp.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
  return d[ref.length]![hyp.length]!;
}

async function speech(): Promise<string[]> {
  const espeak = new EspeakEngine();
  const asr = new PocketsphinxRecognizer({ maxConcurrent: CONCURRENCY, maxQueued: 1000 });
  const items: Array<{ text: string; keyword: string; pcm: Int16Array; clean: boolean }> = [];
  for (const [i, text] of SENTENCES.entries()) {
    const keyword = KEYWORDS.find((k) => text.includes(k))!;
    for (const pcm of [await espeak.synthesize({ text, voice: 'alice', language: 'en-US' }), flite(text)]) {
      const padded = concatPcm([silence(300), pcm, silence(300)]);
      items.push({ text, keyword, pcm: padded, clean: true }, { text, keyword, pcm: noisy(padded, i + 1), clean: false });
    }
  }
  const withHints = await Promise.all(
    items.map(async (it) => {
      const t = performance.now();
      const r = await asr.recognize({ pcm: it.pcm, language: 'en-US', hints: KEYWORDS, model: null });
      return { hit: r.text.split(' ').includes(it.keyword), ms: performance.now() - t };
    }),
  );
  const clean = items.filter((it) => it.clean);
  const open = await Promise.all(clean.map((it) => asr.recognize({ pcm: it.pcm, language: 'en-US', hints: [], model: null })));
  let errs = 0;
  let words = 0;
  for (const [i, it] of clean.entries()) {
    const ref = it.text.toLowerCase().split(' ');
    errs += wordErrors(ref, open[i]!.text.split(' ').filter(Boolean));
    words += ref.length;
  }
  const hits = withHints.filter((r) => r.hit).length;
  const hitsNoisy = withHints.filter((r, i) => r.hit && !items[i]!.clean).length;
  const openHits = open.filter((r, i) => r.text.split(' ').includes(clean[i]!.keyword)).length;
  const ms = withHints.map((r) => r.ms);
  const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)} % (${a}/${b})`;
  return [
    `| measure | result |`,
    `| --- | --- |`,
    `| keyword in SpeechResult, with hints (all ${items.length}) | ${pct(hits, items.length)} |`,
    `| of which with line noise | ${pct(hitsNoisy, items.length / 2)} |`,
    `| keyword in SpeechResult, without hints (${clean.length} clean) | ${pct(openHits, clean.length)} |`,
    `| word error rate without hints (${clean.length} clean) | ${((100 * errs) / words).toFixed(1)} % |`,
    `| recognition latency with hints, p50 / p99 (${CONCURRENCY} at once, ${items.length} queued together) | ${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} ms |`,
  ];
}

async function amd(): Promise<string[]> {
  const espeak = new EspeakEngine();
  const say = (t: string): Promise<Int16Array> => espeak.synthesize({ text: t, voice: 'alice', language: 'en-US' });
  const humans = ['hello?', 'yes?', 'hi', 'hello, who is this?', 'speaking', 'hey', 'hello', 'yeah?', 'good morning', 'this is john'];
  const greetings = [
    'Hi, you have reached John Smith. I am not available right now. Please leave a message after the tone.',
    'Thank you for calling. Nobody can take your call at the moment, please leave your name and number.',
    'The person you are calling is not available. Please record your message after the beep.',
    'Hello, this is Mary. I am away from my phone, leave a message and I will call you back.',
    'You have reached the office of Doctor Brown. Our hours are nine to five, Monday to Friday.',
  ];
  const cases: Array<{ expect: AnsweredBy; pcm: Int16Array }> = [];
  for (const h of humans) cases.push({ expect: 'human', pcm: concatPcm([silence(400), await say(h), silence(6000)]) });
  for (const [i, g] of [...greetings, ...greetings].entries()) {
    const beep = tone(i % 2 === 0 ? 1000 : 1400, 600);
    cases.push({ expect: 'machine_end_beep', pcm: concatPcm([silence(300), await say(g), silence(700), beep, silence(4000)]) });
  }
  for (const g of [...greetings, ...greetings]) cases.push({ expect: 'machine_end_silence', pcm: concatPcm([silence(300), await say(g), silence(6000)]) });
  for (let i = 0; i < 5; i++) cases.push({ expect: 'unknown', pcm: noisy(silence(8000), i + 7) });
  for (let i = 0; i < 5; i++) cases.push({ expect: 'fax', pcm: concatPcm([silence(200 * i), tone(1100, 500), silence(3000), tone(1100, 500), silence(3000)]) });
  const labels: AnsweredBy[] = ['human', 'machine_end_beep', 'machine_end_silence', 'machine_start', 'machine_end_other', 'unknown', 'fax'];
  const table = new Map<string, number>();
  let right = 0;
  for (const c of cases) {
    const d = new AnsweringMachineDetector({
      mode: 'DetectMessageEnd',
      timeoutMs: 30_000,
      speechThresholdMs: 2400,
      speechEndThresholdMs: 1200,
      silenceTimeoutMs: 5000,
    });
    let got = null;
    for (let i = 0; i + 160 <= c.pcm.length && !got; i += 160) got = d.push(c.pcm.subarray(i, i + 160));
    const answer = (got ?? d.timeout()).answeredBy;
    if (answer === c.expect) right++;
    table.set(`${c.expect}>${answer}`, (table.get(`${c.expect}>${answer}`) ?? 0) + 1);
  }
  const rows = [...new Set(cases.map((c) => c.expect))];
  return [
    `AMD accuracy: **${((100 * right) / cases.length).toFixed(1)} %** (${right}/${cases.length}); rows are what was played, columns what the detector answered:`,
    '',
    `| played \\ answered | ${labels.join(' | ')} |`,
    `| --- | ${labels.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r} | ${labels.map((l) => table.get(`${r}>${l}`) ?? 0).join(' | ')} |`),
  ];
}

const load = loadavg()[0]!.toFixed(1);
const speechRows = await speech();
const amdRows = await amd();
const md = [
  '## Speech recognition and answering machine detection',
  '',
  `Measured by \`npm run bench:speech\` on ${machine()}, load average ${load} at the start (other work shared the machine).`,
  'The engines are measured directly (utterances made 8 kHz as on a call), not through SIP calls; the',
  'end-to-end tests (test/voice.speech.test.ts, voice.amd.test.ts) run the same engines through real calls.',
  '',
  ...speechRows,
  '',
  ...amdRows,
].join('\n');
console.log(md);
writeSection(SECTION, md);
