/**
 * Runs one target in a worker thread. Before each input it copies the input into shared memory, so when
 * the parser hangs the main thread can terminate the worker and still save the input that hung it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget } from './engine.js';
import { TARGETS } from './targets/index.js';

export interface WorkerJob {
  target: string;
  iterations: number;
  seed: number;
  /** [0]: progress counter (inputs done), [1]: length of the current input; bytes from offset 8. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; inputs: number; ms: number; crashes: Array<{ signature: string; count: number; input: Uint8Array }> };

const job = workerData as WorkerJob;
const meta = new Int32Array(job.shared, 0, 2);
const bytes = new Uint8Array(job.shared, 8);
const target = TARGETS.find((t) => t.name === job.target);
if (!target) throw new Error(`unknown target ${job.target}`);

const report = await runTarget(target, {
  iterations: job.iterations,
  seed: job.seed,
  onInput(input, i) {
    const n = Math.min(input.length, bytes.length);
    bytes.set(input.subarray(0, n));
    meta[1] = n;
    meta[0] = i;
  },
  onProgress: (done) => parentPort?.postMessage({ type: 'progress', done } satisfies WorkerMessage),
});
parentPort?.postMessage({
  type: 'done',
  inputs: report.inputs,
  ms: report.ms,
  crashes: report.crashes.map((c) => ({ signature: c.signature, count: c.count, input: new Uint8Array(c.input) })),
} satisfies WorkerMessage);
