// Entry of the media engine threads of bench/voice-relay.ts: the stock engine (serveEngine). It also writes
// its thread id to RELAY_DIR (the benchmark reads this thread's CPU time from /proc/self/task/TID/stat) and,
// between the files `window-start` and `window-stop` the benchmark creates there (checked ten times a second
// on this thread: a benchmark-only cost), counts this thread's garbage collections (count and pauses by kind)
// into engine-N.gc.json and, with RELAY_PROFILE=1, records a V8 CPU profile of this thread.
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { serveEngine } from '../src/voice/media/engine/serve.js';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};

const dir = process.env.RELAY_DIR;
if (dir) {
  const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
  writeFileSync(join(dir, `engine-${threadId}.tid`), tid);
  const profile = process.env.RELAY_PROFILE === '1';
  const session = profile ? new Session() : null;
  session?.connect();
  const post = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => session?.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  const gc: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const k = gc[kind] ?? { count: 0, totalMs: 0, maxMs: 0 };
      gc[kind] = k;
      k.count++;
      k.totalMs += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
    }
  });
  let state: 'idle' | 'running' | 'done' = 'idle';
  const poll = setInterval(() => {
    if (state === 'idle' && existsSync(join(dir, 'window-start'))) {
      state = 'running';
      observer.observe({ entryTypes: ['gc'] });
      if (profile)
        void post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
          .then(() => post('Profiler.start'));
    } else if (state === 'running' && existsSync(join(dir, 'window-stop'))) {
      state = 'done';
      clearInterval(poll);
      observer.disconnect();
      writeFileSync(join(dir, `engine-${threadId}.gc.json`), JSON.stringify(gc));
      if (profile)
        void post('Profiler.stop').then((r) => {
          writeFileSync(join(dir, `engine-${threadId}.cpuprofile`), JSON.stringify((r as { profile: unknown }).profile));
        });
    }
  }, 100);
  poll.unref();
}
serveEngine();
