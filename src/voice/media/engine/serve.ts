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
import { raiseThisThread } from './thread-priority.js';
import { warmUpMediaPath } from './warm-up.js';

export function serveEngine(streamTaps?: StreamTapFactory): void {
  const port = parentPort;
  if (!port) return;
  const data = workerData as EngineWorkerData;
  if (data.priorityBoost > 0 || data.realtime > 0)
    port.postMessage({ t: 'priority', ...raiseThisThread({ realtime: data.realtime, niceBoost: data.priorityBoost }) } satisfies FromEngine);
  const slots = new Float64Array(data.drops);
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
  // Ten phases: a tenth of the thread's calls send every 2 ms, each call still every 20 ms (clock.ts). A
  // phase's last frame leaves after its calls' sends (about 10 us each): 1,000 calls cost 1 ms per phase
  // instead of the 2.5 ms that four phases took, half the 5 ms lateness budget; 500 wake-ups a second cost
  // nothing next to 50,000 sends.
  const clock = new MediaClock({ phases: 10 });
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
  // Private sessions and clock: calls are served meanwhile. A failure only costs the warm-up's benefit: reported.
  void warmUpMediaPath().catch((err: unknown) =>
    port.postMessage({ t: 'warm-up-failed', message: err instanceof Error ? err.message : String(err) } satisfies FromEngine),
  );
}
