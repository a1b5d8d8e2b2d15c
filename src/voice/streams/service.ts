/**
 * The Streams API (POST .../Calls/{CallSid}/Streams, POST .../Streams/{Sid or Name}): starts and stops
 * one-way streams on a live call. Streams live with their call, on the node that runs it: they are not
 * stored, and a call that ends (or a restart, which ends its calls) stops them with the usual
 * stream-stopped callback. With several voice nodes, a request for a call another node runs is carried
 * there (voice/nodes).
 */
import { errors } from '../../core/errors.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { LiveCall } from '../calls/live.js';
import type { VoiceCluster } from '../nodes/index.js';
import type { CallStreams, StreamInfo, StreamRequest } from './call-streams.js';

export type StreamStart = Omit<StreamRequest, 'bidirectional'>;

export interface StreamsServiceOptions {
  /** Reads a call this node does not run (throws 404 for another account's). */
  find?: (accountSid: string, callSid: string) => Promise<CallRow>;
  cluster?: VoiceCluster | null;
}

export class StreamsService {
  constructor(
    private readonly sessions: ReadonlyMap<string, LiveCall>,
    private readonly o: StreamsServiceOptions = {},
  ) {}

  private streamsOf(accountSid: string, callSid: string): CallStreams {
    const call = this.sessions.get(callSid);
    if (!call || call.current.account_sid !== accountSid) throw errors.notFound('Call', callSid);
    const streams = call.current.status === 'in-progress' && !call.ended ? (call.mediaStreams?.() ?? null) : null;
    if (streams === null) throw errors.streamCallNotInProgress();
    return streams;
  }

  /**
   * For a call this node does not run, with other nodes: the answer of the node that does; 21220 when the
   * call is not live any more. Undefined: run the request here.
   */
  private async elsewhere<T>(accountSid: string, callSid: string, op: string, args: unknown, here: boolean): Promise<T | undefined> {
    const cluster = this.o.cluster;
    if (here || !cluster || !this.o.find || this.sessions.has(callSid)) return undefined;
    const row = await this.o.find(accountSid, callSid);
    if (cluster.runsElsewhere(row)) {
      const answer = await cluster.toOwner<T>(row, op, args);
      if (answer.kind === 'answered') return answer.value;
    }
    throw errors.streamCallNotInProgress();
  }

  async create(accountSid: string, callSid: string, req: StreamStart, here = false): Promise<StreamInfo> {
    const remote = await this.elsewhere<StreamInfo>(accountSid, callSid, 'streams.create', { accountSid, callSid, req }, here);
    if (remote !== undefined) return remote;
    const handle = await this.streamsOf(accountSid, callSid).start({ ...req, bidirectional: false });
    return handle.info;
  }

  async stop(accountSid: string, callSid: string, key: string, here = false): Promise<StreamInfo> {
    const remote = await this.elsewhere<StreamInfo>(accountSid, callSid, 'streams.stop', { accountSid, callSid, key }, here);
    if (remote !== undefined) return remote;
    const info = this.streamsOf(accountSid, callSid).stop(key);
    if (info === null) throw errors.notFound('Stream', key);
    return info;
  }
}
