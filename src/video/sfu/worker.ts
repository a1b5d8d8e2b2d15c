import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { codes } from '../../core/errors.js';
import type { ForwardCounters, PublishedTrack } from './forwarder.js';
import { PeerSession } from './peer.js';
import type { FromWorker, RecordingResult, ToWorker, WorkerOptions, WorkerStats } from './protocol.js';
import { TrackRecorder } from './recorder.js';

/**
 * An SFU worker thread: hosts whole rooms (every peer connection of a room lives in one worker, so
 * forwarding never crosses threads). The main thread sends signalling in and gets events out.
 */
export class SfuHost {
  private readonly rooms = new Map<string, Set<string>>();
  private readonly peers = new Map<string, { room: string; session: PeerSession }>();
  private readonly recorders = new Map<string, TrackRecorder>();
  readonly counters: ForwardCounters = { packetsIn: 0, packetsOut: 0, bytesOut: 0, nacksIn: 0, plisIn: 0 };
  private readonly timer: NodeJS.Timeout;
  private lastTick = Date.now();
  private elu = performance.eventLoopUtilization();

  constructor(
    private readonly opts: WorkerOptions,
    private readonly post: (msg: FromWorker) => void,
  ) {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** Handles one message; errors are reported, never thrown (one bad client must not stop the worker). */
  async handle(msg: ToWorker): Promise<void> {
    try {
      await this.dispatch(msg);
    } catch (err) {
      const participant = 'participant' in msg ? msg.participant : undefined;
      if (msg.t === 'publish' && participant) {
        this.post({ t: 'publish-failed', participant, code: codes.remoteDescriptionFailed, message: (err as Error).message });
      } else {
        this.post({ t: 'log', level: 'warn', message: `sfu ${msg.t} failed: ${(err as Error).message}` });
      }
    }
  }

  private async dispatch(msg: ToWorker): Promise<void> {
    switch (msg.t) {
      case 'join': {
        const session = new PeerSession(msg.participant, this.opts, this.counters, this.post);
        let members = this.rooms.get(msg.room);
        if (!members) {
          members = new Set();
          this.rooms.set(msg.room, members);
        }
        // Everything already published in the room is sent to the newcomer.
        for (const other of members) for (const track of this.peers.get(other)?.session.published.values() ?? []) session.subscribe(track);
        members.add(msg.participant);
        this.peers.set(msg.participant, { room: msg.room, session });
        return;
      }
      case 'publish': {
        const peer = this.peers.get(msg.participant);
        if (!peer) return;
        const added = await peer.session.publish(msg.sdp, msg.tracks);
        for (const track of added) this.fanOut(peer.room, track);
        return;
      }
      case 'answer':
        return this.peers.get(msg.participant)?.session.answer(msg.sdp);
      case 'unpublish': {
        const peer = this.peers.get(msg.participant);
        const track = peer?.session.unpublish(msg.trackSid);
        if (peer && track) await this.dropTrack(peer.room, msg.trackSid);
        return;
      }
      case 'leave':
        return this.leave(msg.participant);
      case 'layer':
        this.peers.get(msg.participant)?.session.setPreferredLayer(msg.trackSid, msg.layer);
        return;
      case 'record': {
        const peer = this.peers.get(msg.participant);
        const track = peer?.session.published.get(msg.trackSid);
        if (!peer || !track) {
          this.post({
            t: 'recording-done',
            result: { recordingSid: msg.recordingSid, room: peer?.room ?? '', ok: false, size: 0, durationMs: 0, error: 'track is gone' },
          });
          return;
        }
        this.recorders.set(msg.trackSid, new TrackRecorder(track, msg.recordingSid, peer.room, join(this.opts.recordingsDir, msg.file)));
        return;
      }
      case 'close-room':
        await Promise.all([...(this.rooms.get(msg.room) ?? [])].map((p) => this.leave(p)));
        this.rooms.delete(msg.room);
        return;
      case 'stats':
        this.post({ t: 'stats', id: msg.id, stats: this.stats() });
        return;
    }
  }

  private fanOut(room: string, track: PublishedTrack): void {
    for (const member of this.rooms.get(room) ?? []) this.peers.get(member)?.session.subscribe(track);
  }

  private async dropTrack(room: string, trackSid: string): Promise<void> {
    for (const member of this.rooms.get(room) ?? []) this.peers.get(member)?.session.unsubscribe(trackSid);
    const recorder = this.recorders.get(trackSid);
    if (recorder) {
      this.recorders.delete(trackSid);
      this.finish(await recorder.stop());
    }
  }

  private finish(result: RecordingResult): void {
    this.post({ t: 'recording-done', result });
  }

  private async leave(participant: string): Promise<void> {
    const peer = this.peers.get(participant);
    if (!peer) return;
    this.peers.delete(participant);
    this.rooms.get(peer.room)?.delete(participant);
    const tracks = [...peer.session.published.keys()];
    await peer.session.close();
    for (const sid of tracks) await this.dropTrack(peer.room, sid);
    if (this.rooms.get(peer.room)?.size === 0) this.rooms.delete(peer.room);
  }

  private tick(): void {
    const now = Date.now();
    const interval = Math.max(1, now - this.lastTick);
    this.lastTick = now;
    for (const { session } of this.peers.values()) {
      for (const track of session.published.values()) track.tick(interval, this.opts.maxPublishBitrate);
      session.tick(now);
    }
  }

  stats(): WorkerStats {
    let participants = 0;
    let publishedTracks = 0;
    let forwardedStreams = 0;
    for (const { session } of this.peers.values()) {
      participants++;
      publishedTracks += session.published.size;
      forwardedStreams += session.subscriptions.size;
    }
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const udpSockets = process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    return { rooms: this.rooms.size, participants, publishedTracks, forwardedStreams, ...this.counters, udpSockets, eventLoopUtilization: elu.utilization };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.peers.keys()].map((p) => this.leave(p)));
  }
}

// As a worker thread: wire the host to the parent port. (Imported in the main thread, this does nothing.)
if (!isMainThread && parentPort) {
  const port = parentPort;
  const host = new SfuHost(workerData as WorkerOptions, (msg) => port.postMessage(msg));
  // Messages of one participant must apply in order (offer before answer): a chain per participant.
  const chains = new Map<string, Promise<void>>();
  port.on('message', (msg: ToWorker | { t: 'shutdown' }) => {
    if (msg.t === 'shutdown') {
      void host.close().finally(() => port.postMessage({ t: 'closed' }));
      return;
    }
    const key = 'participant' in msg ? msg.participant : msg.t === 'close-room' ? msg.room : '';
    const next = (chains.get(key) ?? Promise.resolve()).then(() => host.handle(msg));
    chains.set(key, next);
    void next.then(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  });
}
