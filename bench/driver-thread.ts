// A benchmark's load-generating thread (the bridge and conference drivers): a worker started from a
// TypeScript module under tsx, asked one message at a time, each answered by the next message it posts.
import { Worker } from 'node:worker_threads';
import { flag } from './lib.js';

// SCHED_RR priority of the threads that stand for far-end phones (RTP sinks, bridge and conference drivers;
// --drivers-realtime N). Default 0, ordinary: at real-time priority they would draw on the same per-CPU
// real-time budget as Switchboard's engine threads (the kernel stops real-time threads for the rest of a
// second once they fill 95 % of a CPU), which real phones on other hosts never do. Raised, with
// `sysctl kernel.sched_rt_runtime_us=-1` on a machine given to the benchmark, they measure Switchboard
// rather than their own scheduling (docs/benchmarks.md, "Real-time engine threads").
const DRIVERS_REALTIME = Number(flag('drivers-realtime', '0'));

export class DriverThread<To, From> {
  // The benchmark runs under tsx, whose loader hooks do not reach worker threads on Node 20: the thread
  // registers tsx before importing the driver module.
  private readonly worker: Worker;

  /**
   * `realtime` > 0: the thread first takes that SCHED_RR priority (thread-priority.ts); a refusal is printed
   * and the thread runs as it was.
   */
  constructor(module: URL, realtime = DRIVERS_REALTIME) {
    const priority = JSON.stringify(new URL('../src/voice/media/engine/thread-priority.ts', import.meta.url).href);
    this.worker = new Worker(
      `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${priority}); })` +
        `.then((p) => { const r = ${realtime} > 0 ? p.raiseThisThread({ realtime: ${realtime}, niceBoost: 0 }) : null; if (r && r.realtime === null) console.log('benchmark driver thread: ' + r.error); })` +
        `.then(() => import(${JSON.stringify(module.href)}))`,
      { eval: true },
    );
  }

  ask<T extends From>(m: To): Promise<T> {
    return new Promise((resolve) => {
      this.worker.once('message', (r: T) => resolve(r));
      this.worker.postMessage(m);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
