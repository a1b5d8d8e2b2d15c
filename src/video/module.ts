import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { VideoRepository } from '../store/repositories/video.js';
import type { Database } from '../store/schema.js';
import type { WebhookCall } from '../webhooks/dispatcher.js';
import { LiveRooms } from './live.js';
import { RoomsService } from './rooms.js';
import { SfuPool } from './sfu/pool.js';
import type { FromWorker, WorkerOptions } from './sfu/protocol.js';
import type { AccountsService } from '../accounts/service.js';
import type { SettingsRepository } from '../store/repositories/settings.js';
import { DemoKey } from './demo-key.js';

export interface VideoOptions {
  db: Kysely<Database>;
  clock: Clock;
  origin: () => string;
  enqueue: (calls: WebhookCall[]) => Promise<void>;
  /** API key secrets (tokens are signed with a key) and the demo page's own key of the root account. */
  accounts: Pick<AccountsService, 'keySecretFor' | 'createKey'>;
  settings: SettingsRepository;
  rootAccountSid: string;
  dataDir: string;
  /** The API's bind address: on loopback, media is gathered on 127.0.0.1 only. */
  host: string;
  workers: number;
  /** UDP ports for media; null lets the OS pick. */
  ports: { min: number; max: number } | null;
  publicIp: string | undefined;
  reconnectMs: number;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Video's parts wired together: the room records, the SFU workers and the live rooms between them. */
export function createVideo(o: VideoOptions) {
  const repo = new VideoRepository(o.db);
  const rooms = new RoomsService({ repo, clock: o.clock, origin: o.origin, enqueue: o.enqueue });
  const loopbackOnly = isLoopback(o.host);
  const workerOptions: WorkerOptions = {
    announce: [...(loopbackOnly ? ['127.0.0.1'] : []), ...(o.publicIp ? [o.publicIp] : [])],
    loopbackOnly,
    portRange: o.ports ? [o.ports.min, o.ports.max] : undefined,
    recordingsDir: join(o.dataDir, 'video-recordings'),
    maxPublishBitrate: 2_500_000,
  };
  const size = o.workers > 0 ? o.workers : Math.min(8, Math.max(1, cpus().length));
  const nodeId = `${hostname()}:${process.pid}`;
  let live: LiveRooms | undefined;
  const pool = new SfuPool(size, workerOptions, {
    onMessage: (msg: FromWorker) => {
      void live?.onWorker(msg).catch((err: unknown) => o.log('error', 'video worker event failed', err));
    },
    onCrash: (roomSids, error) => {
      o.log('error', `an SFU worker stopped (${error.message}); its rooms failed`, error);
      void live?.crashed(roomSids);
    },
  });
  live = new LiveRooms({ rooms, pool, clock: o.clock, nodeId, reconnectMs: o.reconnectMs, recordingsDir: workerOptions.recordingsDir, log: o.log });
  const liveRooms = live;

  /**
   * After a restart nobody is connected any more: rooms this host's previous processes were serving get
   * their participants marked disconnected (their callbacks sent), their unfinished recordings failed, and
   * the empty-room timer; rooms nobody joined yet get the unused-room timer.
   */
  async function recover(): Promise<void> {
    const host = hostname();
    const dead = (await repo.liveMediaNodes()).filter((node) => {
      const [h, pid] = node.split(':');
      if (h !== host || node === nodeId) return false;
      try {
        process.kill(Number(pid), 0);
        return false;
      } catch {
        return true;
      }
    });
    for (const room of await repo.roomsOnNodes(dead)) {
      for (const p of await rooms.presentParticipants(room)) await rooms.removeParticipant(room, p);
      for (const rec of await repo.processingRecordingsOf([room.sid])) await rooms.finishRecording(room, rec, { ok: false, size: 0, durationMs: 0 });
      liveRooms.roomIdle(room, true);
    }
  }

  return {
    rooms,
    live: liveRooms,
    pool,
    recordingsDir: workerOptions.recordingsDir,
    recover,
    secretOf: (accountSid: string, keySid: string) => o.accounts.keySecretFor(accountSid, keySid),
    demoKey: new DemoKey(o.accounts, o.settings, o.rootAccountSid),
    rootAccountSid: o.rootAccountSid,
    async close(): Promise<void> {
      await liveRooms.close();
      await pool.close();
    },
  };
}

export type Video = ReturnType<typeof createVideo>;
