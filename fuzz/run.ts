/**
 * `npm run fuzz [-- --iterations N] [--only NAME[,NAME]] [--seed S] [--parallel N] [--hang-ms MS]`
 *
 * Runs every parser target for N generated inputs (default 1,000,000 each), one worker thread per target
 * so a hang can be cut off: a worker whose progress counter stops moving for `--hang-ms` (default 20 s)
 * is terminated and the input it was on is recorded as a hang. Crashing inputs are written under the
 * system temp directory (never the repository), and a table of counts, inputs/s and crash signatures is
 * printed at the end for docs/security.md. Not part of `npm test`: it takes minutes per target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TARGETS } from './targets/index.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

interface Result {
  name: string;
  inputs: number;
  ms: number;
  crashes: Array<{ signature: string; count: number; input: Uint8Array }>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const iterations = Number(arg('iterations') ?? 1_000_000);
const seed = Number(arg('seed') ?? 20261206);
const hangMs = Number(arg('hang-ms') ?? 20_000);
const only = arg('only')?.split(',');
const targets = TARGETS.filter((t) => !only || only.includes(t.name));
if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(seed) || targets.length === 0) {
  console.error(`usage: npm run fuzz -- [--iterations N] [--seed S] [--only ${TARGETS.map((t) => t.name).join(',')}]`);
  process.exit(2);
}
const outDir = join(tmpdir(), `switchboard-fuzz-${seed}-${Date.now()}`);

function runInWorker(name: string, index: number): Promise<Result> {
  const shared = new SharedArrayBuffer(8 + 256 * 1024);
  const meta = new Int32Array(shared, 0, 2);
  // Each target gets its own seed stream derived from the campaign seed, so --only reproduces a full run.
  const job: WorkerJob = { target: name, iterations, seed: (seed + index * 7919) >>> 0, shared };
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: job });
  const started = performance.now();
  return new Promise<Result>((resolve) => {
    let last = -1;
    const watchdog = setInterval(() => {
      const at = Atomics.load(meta, 0);
      if (at !== last) {
        last = at;
        return;
      }
      clearInterval(watchdog);
      const input = new Uint8Array(shared, 8, Atomics.load(meta, 1)).slice();
      void worker.terminate();
      resolve({ name, inputs: at, ms: performance.now() - started, crashes: [{ signature: `hang: input ${at} ran over ${hangMs} ms`, count: 1, input }] });
    }, hangMs);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') process.stderr.write(`  ${name}: ${m.done.toLocaleString('en')} inputs\n`);
      else {
        clearInterval(watchdog);
        resolve({ name, inputs: m.inputs, ms: m.ms, crashes: m.crashes });
      }
    });
    // A harness bug (a generator throwing) ends this target, reported as such, not the whole campaign.
    worker.on('error', (err) => {
      clearInterval(watchdog);
      resolve({
        name,
        inputs: Atomics.load(meta, 0),
        ms: performance.now() - started,
        crashes: [{ signature: `harness error: ${err.message.slice(0, 100)}`, count: 1, input: new Uint8Array(0) }],
      });
    });
  });
}

const parallel = Math.max(1, Number(arg('parallel') ?? availableParallelism()));
const results: Result[] = [];
console.log(
  `fuzz: ${targets.length} targets x ${iterations.toLocaleString('en')} inputs, seed ${seed}, ${parallel} at a time; crashing inputs go to ${outDir}`,
);
const queue = TARGETS.map((t, i) => ({ t, i })).filter(({ t }) => targets.includes(t));
await Promise.all(
  Array.from({ length: parallel }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) report(await runInWorker(job.t.name, job.i));
  }),
);
results.sort((a, b) => TARGETS.findIndex((t) => t.name === a.name) - TARGETS.findIndex((t) => t.name === b.name));

function report(r: Result): void {
  results.push(r);
  for (const [k, c] of r.crashes.entries()) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `${r.name}-${k + 1}.bin`), c.input);
  }
  console.log(`${r.name}: ${r.inputs.toLocaleString('en')} inputs in ${(r.ms / 1000).toFixed(1)} s, ${r.crashes.length} crash signatures`);
  for (const c of r.crashes) console.log(`  ${c.count} x ${c.signature}`);
}

console.log('\n| parser | inputs | inputs/s | crash signatures |\n| --- | ---: | ---: | --- |');
for (const r of results) {
  const rate = Math.round(r.inputs / (r.ms / 1000));
  const sigs = r.crashes.length ? r.crashes.map((c) => `${c.signature} (${c.count})`).join('; ') : 'none';
  console.log(`| ${r.name} | ${r.inputs.toLocaleString('en')} | ${rate.toLocaleString('en')} | ${sigs} |`);
}
process.exit(results.some((r) => r.crashes.length > 0) ? 1 : 0);
