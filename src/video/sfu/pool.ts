import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerOptions, WorkerStats } from './protocol.js';

interface Slot {
  worker: Worker;
  rooms: Set<string>;
  participants: number;
  stats: Map<number, (s: WorkerStats) => void>;
}

export interface PoolEvents {
  onMessage(msg: FromWorker): void;
  /** A worker died: its rooms' media is gone. */
  onCrash(rooms: string[], error: Error): void;
}

// In the build the worker is worker.js. Under tsx (tests, development) it is TypeScript, and tsx's loader
// hooks do not reach worker threads on Node 20: the worker then starts from a line that registers tsx first.
const UNDER_TSX = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(UNDER_TSX ? './worker.ts' : './worker.js', import.meta.url);

function startWorker(workerData: WorkerOptions): Worker {
  if (!UNDER_TSX) return new Worker(WORKER_URL, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * The SFU's worker threads and which room lives where. A room is placed once, when its first participant
 * joins, on the worker with the fewest participants (an idle worker first, up to `size` workers), and
 * stays there: its peer connections forward to each other without crossing threads, and a busy room
 * only slows the rooms that share its worker. Workers start on demand, so a server that hosts no video
 * pays nothing for them.
 */
export class SfuPool {
  private readonly slots: Slot[] = [];
  private readonly roomSlot = new Map<string, Slot>();
  private readonly participantRoom = new Map<string, string>();
  private nextStatsId = 1;

  constructor(
    private readonly size: number,
    private readonly opts: WorkerOptions,
    private readonly events: PoolEvents,
  ) {}

  private spawn(): Slot {
    const worker = startWorker(this.opts);
    const slot: Slot = { worker, rooms: new Set(), participants: 0, stats: new Map() };
    worker.on('message', (msg: FromWorker) => {
      if (msg.t === 'stats') {
        slot.stats.get(msg.id)?.(msg.stats);
        slot.stats.delete(msg.id);
        return;
      }
      this.events.onMessage(msg);
    });
    const fail = (error: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const rooms = [...slot.rooms];
      for (const r of rooms) this.roomSlot.delete(r);
      for (const [p, r] of this.participantRoom) if (slot.rooms.has(r)) this.participantRoom.delete(p);
      this.events.onCrash(rooms, error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SFU worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  /** The worker a room lives on, placing it if needed. */
  private place(room: string): Slot {
    let slot = this.roomSlot.get(room);
    if (slot) return slot;
    const idle = this.slots.find((s) => s.rooms.size === 0);
    if (idle) slot = idle;
    else if (this.slots.length < this.size) slot = this.spawn();
    else slot = this.slots.reduce((a, b) => (b.participants < a.participants ? b : a));
    slot.rooms.add(room);
    this.roomSlot.set(room, slot);
    return slot;
  }

  /** Which worker (index) hosts a room, for tests and the docs' claims. */
  workerOf(room: string): number {
    const slot = this.roomSlot.get(room);
    return slot ? this.slots.indexOf(slot) : -1;
  }

  join(room: string, participant: string): void {
    const slot = this.place(room);
    slot.participants++;
    this.participantRoom.set(participant, room);
    slot.worker.postMessage({ t: 'join', room, participant } satisfies ToWorker);
  }

  /** Sends a participant's message to the worker hosting its room (dropped if it has left). */
  send(msg: Exclude<ToWorker, { t: 'join' } | { t: 'close-room' } | { t: 'stats' }>): void {
    const room = this.participantRoom.get(msg.participant);
    const slot = room === undefined ? undefined : this.roomSlot.get(room);
    if (!slot) return;
    if (msg.t === 'leave') {
      this.participantRoom.delete(msg.participant);
      slot.participants--;
    }
    slot.worker.postMessage(msg);
  }

  closeRoom(room: string): void {
    const slot = this.roomSlot.get(room);
    if (!slot) return;
    for (const [p, r] of this.participantRoom)
      if (r === room) {
        this.participantRoom.delete(p);
        slot.participants--;
      }
    slot.rooms.delete(room);
    this.roomSlot.delete(room);
    slot.worker.postMessage({ t: 'close-room', room } satisfies ToWorker);
  }

  async stats(): Promise<WorkerStats[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<WorkerStats>((resolve) => {
            const id = this.nextStatsId++;
            slot.stats.set(id, resolve);
            slot.worker.postMessage({ t: 'stats', id } satisfies ToWorker);
          }),
      ),
    );
  }

  /** Lets each worker close its connections and finish recordings, then ends it. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        slot.worker.removeAllListeners('exit');
        slot.worker.removeAllListeners('error');
        const closed = new Promise<void>((resolve) => {
          slot.worker.on('message', (m: { t: string }) => {
            if (m.t === 'closed') resolve();
          });
          setTimeout(resolve, 5000).unref();
        });
        slot.worker.postMessage({ t: 'shutdown' });
        await closed;
        await slot.worker.terminate();
      }),
    );
  }
}
