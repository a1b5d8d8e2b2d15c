/**
 * The Streams API (POST .../Calls/{CallSid}/Streams, POST .../Streams/{Sid or Name}): starts and stops
 * one-way streams on a live call this node runs. Streams live with their call: they are not stored, and a
 * call that ends (or a restart, which ends its calls) stops them with the usual stream-stopped callback.
 */
import { errors } from '../../core/errors.js';
import type { LiveCall } from '../calls/live.js';
import type { CallStreams, StreamInfo, StreamRequest } from './call-streams.js';

export class StreamsService {
  constructor(private readonly sessions: ReadonlyMap<string, LiveCall>) {}

  private streamsOf(accountSid: string, callSid: string): CallStreams {
    const call = this.sessions.get(callSid);
    if (!call || call.current.account_sid !== accountSid) throw errors.notFound('Call', callSid);
    const streams = call.current.status === 'in-progress' && !call.ended ? (call.mediaStreams?.() ?? null) : null;
    if (streams === null) throw errors.streamCallNotInProgress();
    return streams;
  }

  async create(accountSid: string, callSid: string, req: Omit<StreamRequest, 'bidirectional'>): Promise<StreamInfo> {
    const handle = await this.streamsOf(accountSid, callSid).start({ ...req, bidirectional: false });
    return handle.info;
  }

  stop(accountSid: string, callSid: string, key: string): StreamInfo {
    const info = this.streamsOf(accountSid, callSid).stop(key);
    if (info === null) throw errors.notFound('Stream', key);
    return info;
  }
}
