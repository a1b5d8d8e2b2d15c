import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readWav, wavToPcm8k, writeWav, WavError } from './wav.js';
import { decodeMp3To8k, downmixTo8k, Mp3Error } from './mp3.js';
import { resampleLinear, resampleTo8k } from './resample.js';
import { generateBeep, rms } from './audio-utils.js';

/** Zero crossings per second: twice the frequency of a pure tone. */
function frequency(pcm: ArrayLike<number>, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1] ?? 0) < 0 !== (pcm[i] ?? 0) < 0) crossings++;
  return (crossings / 2) * (rate / pcm.length);
}

function sine(freq: number, rate: number, seconds: number, amp = 10000): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * freq * i) / rate)));
}

/** A PCM16 WAV with any rate and channel count, optionally as WAVE_FORMAT_EXTENSIBLE, with extra chunks. */
function wav16(pcm: Int16Array, rate: number, channels: number, opts: { extensible?: boolean; list?: boolean; bogusSizes?: boolean } = {}): Buffer {
  const data = Buffer.alloc(pcm.length * channels * 2);
  for (let i = 0; i < pcm.length; i++) for (let c = 0; c < channels; c++) data.writeInt16LE(pcm[i] ?? 0, (i * channels + c) * 2);
  const fmt = Buffer.alloc(opts.extensible ? 40 : 16);
  fmt.writeUInt16LE(opts.extensible ? 0xfffe : 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  if (opts.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(1, 24); // KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
  }
  const chunk = (id: string, body: Buffer, size = body.length) => {
    const h = Buffer.alloc(8);
    h.write(id, 0);
    h.writeUInt32LE(size, 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length & 1)]);
  };
  const parts = [chunk('fmt ', fmt)];
  if (opts.list) parts.push(chunk('LIST', Buffer.from('INFOabc'))); // odd size: padded
  parts.push(chunk('data', data, opts.bogusSizes ? 0x7ffff000 : data.length));
  const body = Buffer.concat(parts);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0);
  riff.writeUInt32LE(opts.bogusSizes ? 0x7ffff024 : body.length + 4, 4);
  riff.write('WAVE', 8);
  return Buffer.concat([riff, body]);
}

test('writes and reads 8 kHz PCM16, mu-law and A-law', () => {
  const beep = generateBeep({ durationMs: 100 });
  const pcm = readWav(writeWav(beep, 'pcm16'));
  assert.deepEqual(pcm.info, { sampleRate: 8000, channels: 1, formatTag: 1, bitsPerSample: 16, frames: 800 });
  assert.deepEqual([...pcm.pcm], [...beep]);
  for (const [format, tag] of [
    ['mulaw', 7],
    ['alaw', 6],
  ] as const) {
    const buf = writeWav(beep, format);
    assert.equal(buf.length, 12 + 8 + 18 + 12 + 8 + 800);
    const back = readWav(buf);
    assert.equal(back.info.formatTag, tag);
    assert.equal(back.info.bitsPerSample, 8);
    for (let i = 0; i < beep.length; i++) assert.ok(Math.abs((back.pcm[i] ?? 0) - (beep[i] ?? 0)) < 300);
  }
  const odd = writeWav(new Int16Array(3), 'mulaw');
  assert.equal(odd.length % 2, 0, 'odd data is padded');
});

test('reads 16 kHz stereo and 44.1 kHz extensible WAVs down to 8 kHz mono, keeping pitch', () => {
  const stereo = wavToPcm8k(wav16(sine(500, 16000, 1), 16000, 2, { list: true }));
  assert.ok(Math.abs(stereo.length - 8000) <= 1);
  assert.ok(Math.abs(frequency(stereo, 8000) - 500) < 10, `${frequency(stereo, 8000)} Hz`);
  const cd = wavToPcm8k(wav16(sine(1000, 44100, 0.5), 44100, 1, { extensible: true }));
  assert.ok(Math.abs(cd.length - 4000) <= 1);
  assert.ok(Math.abs(frequency(cd, 8000) - 1000) < 15, `${frequency(cd, 8000)} Hz`);
  assert.ok(rms(cd) > 5000, 'a 1 kHz tone survives the pre-filter');
});

test('tolerates streamed WAVs whose sizes are placeholders (espeak-ng --stdout)', () => {
  const r = readWav(wav16(sine(300, 22050, 0.2), 22050, 1, { bogusSizes: true }));
  assert.equal(r.info.frames, 4410);
});

test('rejects what it cannot read with WavError', () => {
  assert.throws(() => readWav(Buffer.from('not a wav file at all')), WavError);
  const noData = wav16(new Int16Array(10), 8000, 1).subarray(0, 36);
  assert.throws(() => readWav(noData), WavError);
  const float = wav16(new Int16Array(10), 8000, 1);
  float.writeUInt16LE(3, 20); // IEEE float
  assert.throws(() => readWav(float), /unsupported WAV encoding/);
});

test('linear resampling keeps length ratios and handles upsampling', () => {
  assert.equal(resampleLinear(new Float32Array(22050), 22050, 8000).length, 8000);
  const up = resampleTo8k(Int16Array.from([0, 1000, 2000, 3000]), 4000);
  assert.deepEqual([...up], [0, 500, 1000, 1500, 2000, 2500, 3000, 3000]);
  assert.equal(resampleTo8k(new Int16Array(5), 8000).length, 5);
  assert.throws(() => resampleLinear([1], 0));
});

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, all-zero side info: valid frames that decode to silence. */
function silentMp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc0], 0);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

test('decodes MP3 to 8 kHz with mpg123 (WASM)', async () => {
  const pcm = await decodeMp3To8k(silentMp3(40)); // 40 x 1152 samples at 44.1 kHz ~ 1.04 s
  assert.ok(pcm.length > 7000 && pcm.length < 8500, `${pcm.length} samples`);
  assert.equal(rms(pcm), 0);
  await assert.rejects(decodeMp3To8k(Buffer.from('definitely not an mp3 file, just text')), Mp3Error);
});

test('decoded float channels are mixed to mono and resampled with their pitch', () => {
  const n = 48000;
  const left = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000));
  const right = Float32Array.from(left);
  const pcm = downmixTo8k([left, right], n, 48000);
  assert.equal(pcm.length, 8000);
  assert.ok(Math.abs(frequency(pcm, 8000) - 440) < 10);
  assert.ok(rms(pcm) > 10000 && rms(pcm) < 12500, `rms ${rms(pcm)}`);
});
