/**
 * The body of a media engine thread: an EngineHost on the worker's port (see pool.ts). An entry file
 * calls it with what the sessions need from above the media layer (the Media Streams factory), so this
 * layer imports nothing of theirs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MediaClock } from '../clock.js';
import { EngineHost } from './host.js';
import type { EngineWorkerData, FromEngine, ToEngine } from './protocol.js';
import type { RtpDropCounters } from '../source-filter.js';
import type { StreamTapFactory } from '../stream-tap.js';

export function serveEngine(streamTaps?: StreamTapFactory): void {
  const port = parentPort;
  if (!port) return;
  const slots = new Float64Array((workerData as EngineWorkerData).drops);
  // The SourceFilter increments `drops.source++`: accessors land it in shared memory the main thread reads.
  const drops: RtpDropCounters = {
    get source() {
      return slots[0] ?? 0;
    },
    set source(v: number) {
      slots[0] = v;
    },
    get ssrc() {
      return slots[1] ?? 0;
    },
    set ssrc(v: number) {
      slots[1] = v;
    },
  };
  // Four phases: a quarter of the thread's calls send every 5 ms, each call still every 20 ms (clock.ts).
  const clock = new MediaClock({ phases: 4 });
  const host = new EngineHost((msg: FromEngine, transfer?: ArrayBuffer[]) => port.postMessage(msg, transfer ?? []), drops, clock, streamTaps);
  port.on('message', (msg: ToEngine | { t: 'shutdown' }) => {
    if (msg.t === 'shutdown') {
      void host.close().then(() => port.postMessage({ t: 'shutdown-done' }));
      return;
    }
    if (msg.t === 'crash') {
      // Thrown outside the handler's reach, as a real bug in the media path would be.
      setImmediate(() => {
        throw new Error('media engine crash requested');
      });
      return;
    }
    host.handle(msg);
  });
}
