/**
 * The fuzz engine: a target names a parser, valid seeds and (optionally) a structured generator; the engine
 * feeds it mutated seeds and generated inputs from a seeded PRNG, and records every crash by signature.
 * A crash is anything other than the parser's documented failure: an unexpected exception, or a result
 * that breaks an invariant the target checks. Hangs are caught by the runner's watchdog (run.ts).
 */
import { seededRandom } from '../src/core/random.js';

export type Rng = () => number;

export interface Target {
  name: string;
  /** Valid inputs; mutations start from these. */
  seeds: Buffer[];
  /** Longest input worth producing (the parser's own size limit, plus a little). */
  maxLength: number;
  /** Tokens the mutator splices in (delimiters, keywords, boundary numbers as text). */
  dictionary?: string[];
  /** A well-formed-ish input built from scratch, for a share of the iterations. */
  generate?(r: Rng): Buffer;
  /**
   * Runs the parser on one input. Returns null when the parser behaved (a result or its documented
   * error), or a short description of the violated invariant. Any exception it lets escape is a crash.
   */
  run(input: Buffer, r: Rng): string | null | Promise<string | null>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

export interface Crash {
  signature: string;
  count: number;
  /** The first input that produced it (hex saved by the runner). */
  input: Buffer;
}

export interface TargetReport {
  name: string;
  inputs: number;
  ms: number;
  crashes: Crash[];
}

const BOUNDARY_INTS = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
const BOUNDARY_TEXT = ['0', '-1', '65535', '65536', '2147483648', '4294967296', '99999999999999999999', '1e308', '-0', 'NaN', '0x10', ''];

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

/** One mutation step; `other` is a second seed for splicing. */
function mutateOnce(b: Buffer, r: Rng, other: Buffer, dict: string[], max: number): Buffer {
  const at = int(r, b.length + 1);
  switch (int(r, 10)) {
    case 0: {
      // flip 1..8 bits
      if (b.length === 0) return b;
      const c = Buffer.from(b);
      for (let k = 1 + int(r, 8); k > 0; k--) {
        const i = int(r, c.length);
        c[i] = (c[i] ?? 0) ^ (1 << int(r, 8));
      }
      return c;
    }
    case 1: {
      // random byte values
      if (b.length === 0) return b;
      const c = Buffer.from(b);
      for (let k = 1 + int(r, 4); k > 0; k--) c[int(r, c.length)] = pick(r, [0, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x20, int(r, 256)]);
      return c;
    }
    case 2: // insert random bytes
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 16) }, () => int(r, 256))), b.subarray(at)]);
    case 3: {
      // delete a range
      const len = 1 + int(r, Math.max(1, Math.min(64, b.length - at)));
      return Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
    }
    case 4: {
      // long repeat of a chunk
      const chunk = b.subarray(at, at + 1 + int(r, 8));
      const times = pick(r, [2, 16, 256, 4096]);
      const rep = Buffer.alloc(Math.min(max, chunk.length * times), chunk.length ? chunk : Buffer.from('A'));
      return Buffer.concat([b.subarray(0, at), rep, b.subarray(at)]);
    }
    case 5: // splice: head of this, tail of another
      return Buffer.concat([b.subarray(0, at), other.subarray(int(r, other.length + 1))]);
    case 6: {
      // boundary integer written in binary
      if (b.length < 4) return b;
      const c = Buffer.from(b);
      const v = pick(r, BOUNDARY_INTS);
      const off = int(r, c.length - 3);
      const width = pick(r, [1, 2, 4]);
      if (width === 1) c.writeUInt8(v & 0xff, off);
      else if (width === 2) c.writeUInt16BE(v & 0xffff, off);
      else c.writeUInt32BE(v >>> 0, off);
      return c;
    }
    case 7: {
      // boundary number as text, replacing a run of digits (or inserted)
      const s = b.toString('latin1');
      const m = /\d+/g;
      const runs = [...s.matchAll(m)];
      const run = runs.length ? pick(r, runs) : null;
      const n = pick(r, BOUNDARY_TEXT);
      if (!run || run.index === undefined) return Buffer.concat([b.subarray(0, at), Buffer.from(n), b.subarray(at)]);
      return Buffer.from(s.slice(0, run.index) + n + s.slice(run.index + run[0].length), 'latin1');
    }
    case 8: // dictionary token
      return dict.length ? Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, dict), 'utf8'), b.subarray(at)]) : b;
    default: {
      // swap two ranges (reorders fields and lines)
      if (b.length < 4) return b;
      const i = int(r, b.length >> 1);
      const j = (b.length >> 1) + int(r, b.length >> 1);
      const len = 1 + int(r, Math.min(32, j - i));
      return Buffer.concat([b.subarray(0, i), b.subarray(j, j + len), b.subarray(i + len, j), b.subarray(i, i + len), b.subarray(j + len)]);
    }
  }
}

export function mutate(base: Buffer, r: Rng, other: Buffer, dict: string[], max: number): Buffer {
  let b = base;
  for (let k = 1 + int(r, 4); k > 0; k--) b = mutateOnce(b, r, other, dict, max);
  return b.length > max ? b.subarray(0, max) : b;
}

/** A stable name for a failure: the error's class and message with numbers blanked, plus our top frame. */
export function signatureOf(err: unknown): string {
  if (!(err instanceof Error)) return `non-Error thrown: ${typeof err}`;
  const frame = (err.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? '';
  const where = /\/src\/([^:)]+:\d+)/.exec(frame)?.[1] ?? 'outside src';
  return `${err.constructor.name}: ${err.message.replace(/\d+/g, 'N').slice(0, 120)} @ ${where}`;
}

/** The input for iteration `i`: mostly a mutated seed (or a generated input), sometimes a fresh one. */
export function nextInput(t: Target, r: Rng): Buffer {
  const fresh = t.generate && r() < 0.25;
  if (fresh && t.generate) {
    const g = t.generate(r);
    return r() < 0.5 ? g : mutate(g, r, pick(r, t.seeds), t.dictionary ?? [], t.maxLength);
  }
  const base = pick(r, t.seeds);
  const other = t.generate && r() < 0.3 ? t.generate(r) : pick(r, t.seeds);
  return mutate(base, r, other, t.dictionary ?? [], t.maxLength);
}

export interface RunOptions {
  iterations: number;
  seed: number;
  /** Called before each input (the runner copies it for its hang watchdog). */
  onInput?(input: Buffer, i: number): void;
  onProgress?(done: number): void;
}

/** Runs one target in this process. Sync parsers are called without an await per input. */
export async function runTarget(t: Target, o: RunOptions): Promise<TargetReport> {
  const r = seededRandom(o.seed);
  const crashes = new Map<string, Crash>();
  const record = (signature: string, input: Buffer) => {
    const c = crashes.get(signature);
    if (c) c.count++;
    else crashes.set(signature, { signature, count: 1, input: Buffer.from(input) });
  };
  await t.setup?.();
  const started = performance.now();
  try {
    for (let i = 0; i < o.iterations; i++) {
      // Seeds go first, unmutated: a crash there is a broken harness, not a finding.
      const input = i < t.seeds.length ? (t.seeds[i] as Buffer) : nextInput(t, r);
      o.onInput?.(input, i);
      try {
        const out = t.run(input, r);
        const verdict = out instanceof Promise ? await out : out;
        if (verdict !== null) record(`invariant: ${verdict.replace(/\d+/g, 'N')}`, input);
      } catch (err) {
        record(signatureOf(err), input);
      }
      if ((i & 0xffff) === 0xffff) o.onProgress?.(i + 1);
    }
  } finally {
    await t.teardown?.();
  }
  return { name: t.name, inputs: o.iterations, ms: performance.now() - started, crashes: [...crashes.values()] };
}
