// Entry of the media engine threads of bench/voice-relay.ts: the stock engine (serveEngine). It also writes
// its thread id to RELAY_DIR (the benchmark reads this thread's CPU time from /proc/self/task/TID/stat) and,
// with RELAY_PROFILE=1, records a V8 CPU profile of this thread between the files `profile-start` and
// `profile-stop` the benchmark creates in RELAY_DIR (checked ten times a second, on this thread: a
// benchmark-only cost).
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { serveEngine } from '../src/voice/media/engine/serve.js';

const dir = process.env.RELAY_DIR;
if (dir) {
  const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
  writeFileSync(join(dir, `engine-${threadId}.tid`), tid);
  if (process.env.RELAY_PROFILE === '1') {
    const session = new Session();
    session.connect();
    const post = (method: string, params: object = {}): Promise<unknown> =>
      new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
    let state: 'idle' | 'running' | 'done' = 'idle';
    const poll = setInterval(() => {
      if (state === 'idle' && existsSync(join(dir, 'profile-start'))) {
        state = 'running';
        void post('Profiler.enable')
          .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
          .then(() => post('Profiler.start'));
      } else if (state === 'running' && existsSync(join(dir, 'profile-stop'))) {
        state = 'done';
        clearInterval(poll);
        void post('Profiler.stop').then((r) => {
          writeFileSync(join(dir, `engine-${threadId}.cpuprofile`), JSON.stringify((r as { profile: unknown }).profile));
        });
      }
    }, 100);
    poll.unref();
  }
}
serveEngine();
