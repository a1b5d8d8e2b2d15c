/**
 * Recordings of a live call through the API (POST .../Calls/{CallSid}/Recordings, POST and GET
 * .../Recordings/{Sid or Twilio.CURRENT}): start, pause, resume and stop on the node that runs the call
 * (call-recording.ts). With several voice nodes, a request for a call another node runs is carried there
 * (voice/nodes), as the Streams API's are. A recording no longer live is read from the store by the route.
 */
import { errors } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { LiveCall } from '../calls/live.js';
import type { VoiceCluster } from '../nodes/index.js';
import type { CallRecordings, LiveRecordingInfo, LiveRecordingOptions } from './call-recording.js';

export type RecordingChange = { status: 'paused'; pauseBehavior: 'skip' | 'silence' } | { status: 'in-progress' | 'stopped' };

export interface LiveRecordingsOptions {
  /** Reads a call this node does not run (throws 404 for another account's). */
  find: (accountSid: string, callSid: string) => Promise<CallRow>;
  cluster?: VoiceCluster | null;
}

export class LiveRecordingsService {
  constructor(
    private readonly sessions: ReadonlyMap<string, LiveCall>,
    private readonly o: LiveRecordingsOptions,
  ) {}

  /** Registers the operations other nodes carry here. */
  registerOps(): void {
    const control = this.o.cluster?.control;
    control?.register('recordings.create', async (a) => {
      const { accountSid, callSid, opts } = a as { accountSid: string; callSid: string; opts: LiveRecordingOptions };
      return this.create(accountSid, callSid, opts, true);
    });
    control?.register('recordings.update', async (a) => {
      const { accountSid, callSid, sid, change } = a as { accountSid: string; callSid: string; sid: string; change: RecordingChange };
      return this.update(accountSid, callSid, sid, change, true);
    });
    control?.register('recordings.fetch', async (a) => {
      const { accountSid, callSid, sid } = a as { accountSid: string; callSid: string; sid: string };
      return { info: await this.fetch(accountSid, callSid, sid, true) };
    });
  }

  async create(accountSid: string, callSid: string, opts: LiveRecordingOptions, here = false): Promise<LiveRecordingInfo> {
    const remote = await this.elsewhere<LiveRecordingInfo>(accountSid, callSid, 'recordings.create', { accountSid, callSid, opts }, here);
    if (remote !== undefined) return remote;
    return (await this.recordingsOf(accountSid, callSid)).start(opts).info();
  }

  async update(accountSid: string, callSid: string, sid: string, change: RecordingChange, here = false): Promise<LiveRecordingInfo> {
    const args = { accountSid, callSid, sid, change };
    const remote = await this.elsewhere<LiveRecordingInfo>(accountSid, callSid, 'recordings.update', args, here);
    if (remote !== undefined) return remote;
    const rec = (await this.recordingsOf(accountSid, callSid)).get(sid);
    if (rec === null || !rec.live) throw errors.notFound('Recording', sid);
    if (change.status === 'paused') await rec.pause(change.pauseBehavior);
    else if (change.status === 'in-progress') rec.resume();
    else {
      const stopping = rec.stop();
      const info = rec.info(); // `stopped`, as Twilio answers; the file is stored before the answer goes
      await stopping;
      return info;
    }
    return rec.info();
  }

  /** A recording still live on its call; null when there is none (the route reads the store). */
  async fetch(accountSid: string, callSid: string, sid: string, here = false): Promise<LiveRecordingInfo | null> {
    const cluster = this.o.cluster;
    if (!here && cluster && !this.sessions.has(callSid)) {
      const row = await this.o.find(accountSid, callSid);
      if (!cluster.runsElsewhere(row)) return null;
      const answer = await cluster.toOwner<{ info: LiveRecordingInfo | null }>(row, 'recordings.fetch', { accountSid, callSid, sid });
      return answer.kind === 'answered' ? answer.value.info : null;
    }
    const call = this.sessions.get(callSid);
    if (!call || call.current.account_sid !== accountSid) return null;
    const rec = call.callRecordings?.()?.get(sid) ?? null;
    return rec?.live ? rec.info() : null;
  }

  private async recordingsOf(accountSid: string, callSid: string): Promise<CallRecordings> {
    const call = this.sessions.get(callSid);
    if (!call || call.current.account_sid !== accountSid) {
      await this.o.find(accountSid, callSid); // 20404 for another account's call or none
      throw errors.recordingCallNotInProgress();
    }
    const recordings = call.current.status === 'in-progress' && !call.ended ? (call.callRecordings?.() ?? null) : null;
    if (recordings === null) throw errors.recordingCallNotInProgress();
    return recordings;
  }

  /**
   * For a call this node does not run, with other nodes: the answer of the node that does; 21220 when the
   * call is not live any more. Undefined: run the request here.
   */
  private async elsewhere<T>(accountSid: string, callSid: string, op: string, args: unknown, here: boolean): Promise<T | undefined> {
    const cluster = this.o.cluster;
    if (here || !cluster || this.sessions.has(callSid)) return undefined;
    const row = await this.o.find(accountSid, callSid);
    if (cluster.runsElsewhere(row)) {
      const answer = await cluster.toOwner<T>(row, op, args);
      if (answer.kind === 'answered') return answer.value;
    }
    throw errors.recordingCallNotInProgress();
  }
}
