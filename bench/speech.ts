// npm run bench:speech [-- --section speech] [--no-calls] [--calls-at-once 4] [--open-all]
// Speech recognition and answering machine detection, measured on the engines themselves and (speech) through
// real calls (bench/speech-calls.ts): the fixed phrase set of bench/speech-phrases.ts (20 sentences, each with one keyword, spoken by
// espeak-ng and flite, 8 kHz, clean and with line noise: 80 utterances). Reported: the share whose keyword is
// in the result with `hints` (the 10 keywords), per voice and noise, and without hints (open vocabulary);
// word error rate; recognition latency after the end of speech (the time recognize() takes for a whole
// utterance, one utterance at a time on warm decoders) p50/p99, and the first recognition's time with
// the decoder start; the decoders' resident memory. AMD: 40 generated answers (short human greetings, long
// machine greetings with and without a beep, silence, fax CNG) fed to the detector with Twilio's default
// thresholds (DetectMessageEnd), with the confusion table. Writes docs/benchmarks.md.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { AnsweringMachineDetector, type AnsweredBy } from '../src/voice/amd/detector.js';
import { concatPcm, silence, tone } from '../src/voice/media/index.js';
import { PocketsphinxRecognizer } from '../src/voice/speech/index.js';
import { EspeakEngine } from '../src/voice/tts/index.js';
import { flag, machine, percentile, writeSection } from './lib.js';
import { throughCalls } from './speech-calls.js';
import { KEYWORDS, noisy, phrases, wordErrors, type Phrase } from './speech-phrases.js';

const SECTION = flag('section', 'speech');

/** Resident memory of our pocketsphinx_batch children, in MB. */
function decoderMemory(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+pocketsphinx_ba/m.test(status) || !new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status)) continue;
      out.push(Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

async function speech(): Promise<string[]> {
  const asr = new PocketsphinxRecognizer({ maxQueued: 1000 });
  const items = await phrases();
  const t0 = performance.now();
  await asr.recognize({ pcm: items[0]!.pcm, language: 'en-US', hints: KEYWORDS, model: null });
  const coldMs = performance.now() - t0;
  const withHints: Array<{ it: Phrase; text: string; ms: number }> = [];
  // One at a time: the latency of a recognition on a warm decoder, not time spent queueing.
  for (const it of items) {
    const t = performance.now();
    const r = await asr.recognize({ pcm: it.pcm, language: 'en-US', hints: KEYWORDS, model: null });
    withHints.push({ it, text: r.text, ms: performance.now() - t });
  }
  const memHints = decoderMemory();
  // The language model decodes slowly on a busy machine: the clean 40 unless --open-all.
  const open: Array<{ it: Phrase; text: string; ms: number }> = [];
  for (const it of process.argv.includes('--open-all') ? items : items.filter((p) => !p.noise)) {
    const t = performance.now();
    const r = await asr.recognize({ pcm: it.pcm, language: 'en-US', hints: [], model: null });
    open.push({ it, text: r.text, ms: performance.now() - t });
  }
  const memAll = decoderMemory();
  await asr.close();
  const hit = (r: { it: Phrase; text: string }): boolean => r.text.split(' ').includes(r.it.keyword);
  const pct = (rs: Array<{ it: Phrase; text: string }>): string => {
    const h = rs.filter(hit).length;
    return `${((100 * h) / rs.length).toFixed(1)} % (${h}/${rs.length})`;
  };
  const wer = (rs: Array<{ it: Phrase; text: string }>): string => {
    let errs = 0;
    let words = 0;
    for (const r of rs) {
      const ref = r.it.text.toLowerCase().split(' ');
      errs += wordErrors(ref, r.text.split(' ').filter(Boolean));
      words += ref.length;
    }
    return `${((100 * errs) / words).toFixed(1)} %`;
  };
  const groups: Array<[string, (p: Phrase) => boolean]> = [
    ['all 80', () => true],
    ['espeak-ng, clean', (p) => p.voice === 'espeak-ng' && !p.noise],
    ['espeak-ng, line noise', (p) => p.voice === 'espeak-ng' && p.noise],
    ['flite, clean', (p) => p.voice === 'flite' && !p.noise],
    ['flite, line noise', (p) => p.voice === 'flite' && p.noise],
  ];
  const ms = withHints.map((r) => r.ms);
  const openMs = open.map((r) => r.ms);
  const misses = withHints.filter((r) => !hit(r)).map((r) => `"${r.it.text}" (${r.it.voice}${r.it.noise ? ', noise' : ''}) heard as "${r.text}"`);
  return [
    '| phrases | keyword found, with hints | without hints | word error rate, with / without hints |',
    '| --- | --- | --- | --- |',
    ...groups.map(([name, f]) => {
      const a = withHints.filter((r) => f(r.it));
      const b = open.filter((r) => f(r.it));
      return `| ${name} | ${pct(a)} | ${b.length ? pct(b) : 'not run'} | ${wer(a)} / ${b.length ? wer(b) : '-'} |`;
    }),
    '',
    '| latency after the end of speech (one utterance at a time, warm decoder) | p50 / p99 |',
    '| --- | --- |',
    `| with hints (grammar), 80 utterances | ${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} ms |`,
    `| without hints (language model), ${open.length} utterances | ${percentile(openMs, 50).toFixed(0)} / ${percentile(openMs, 99).toFixed(0)} ms |`,
    `| first recognition, decoder start included | ${coldMs.toFixed(0)} ms |`,
    '',
    `Decoder memory (resident): ${memHints.map((m) => `${m.toFixed(0)} MB`).join(', ')} for the grammar decoder after 80 utterances; ${memAll.map((m) => `${m.toFixed(0)} MB`).join(', ')} with the language-model decoder as well.`,
    '',
    misses.length ? `Missed with hints: ${misses.join('; ')}.` : 'No keyword missed with hints.',
    ...(process.argv.includes('--no-calls') ? [] : ['', ...(await calls(items, groups))]),
  ];
}

/** The same phrases through real calls into <Gather input="speech" hints>, scored on the action's SpeechResult. */
async function calls(items: Phrase[], groups: Array<[string, (p: Phrase) => boolean]>): Promise<string[]> {
  const t = performance.now();
  const outcomes = await throughCalls(items);
  const minutes = (performance.now() - t) / 60_000;
  const row = ([name, f]: [string, (p: Phrase) => boolean]): string => {
    const rs = outcomes.filter((o) => f(o.phrase));
    const h = rs.filter((o) => o.text.split(' ').includes(o.phrase.keyword)).length;
    return `| ${name} | ${((100 * h) / rs.length).toFixed(1)} % (${h}/${rs.length}) | ${rs.filter((o) => o.lost).length} |`;
  };
  return [
    `Through real calls (a virtual phone plays each phrase into \`<Gather input="speech" hints>\`; ${minutes.toFixed(1)} minutes):`,
    '',
    "| phrases | keyword in the action's SpeechResult | no action within 60 s |",
    '| --- | --- | --- |',
    ...groups.map(row),
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
  'The tables first measure the engines directly (utterances made 8 kHz as on a call), then the same phrases',
  'through real calls (virtual phones into `<Gather input="speech" hints>`); AMD is measured on the detector.',
  'Whether the targets hold on a quiet machine is for the lead to check: figures from a loaded machine say how it behaves, not that a target is met.',
  '',
  ...speechRows,
  '',
  ...amdRows,
].join('\n');
console.log(md);
writeSection(SECTION, md);
