import type { Server } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { attachWebSocketPath } from '../core/net/websocket-path.js';
import type { Clock } from '../core/clock.js';
import { ApiError, errors } from '../core/errors.js';
import type { LiveParticipant, LiveRooms } from './live.js';
import { parseClientMessage, type ClientMessage, type ServerMessage, type SignalSocket } from './signal-protocol.js';
import { verifyAccessToken, type KeySecretLookup } from './token.js';

export const SIGNAL_PATH = '/video/v1/signal';

export interface SignallingOptions {
  live: LiveRooms;
  secretOf: KeySecretLookup;
  clock: Clock;
  /** WebSocket pings this often; a socket that misses one is treated as dropped. */
  heartbeatMs: number;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

/** How long a new socket has to send `connect` or `resume`. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * The signalling endpoint: a WebSocket on the API's own port (an `upgrade` of `/video/v1/signal`), so one
 * address serves REST, signalling and the SDK. The first message authenticates (an access token, or the
 * resume token of a participant whose socket dropped); the token travels in the message, not the URL,
 * so it stays out of access logs.
 */
export function attachSignalling(server: Server, o: SignallingOptions): { close(): void } {
  return attachWebSocketPath(server, {
    path: SIGNAL_PATH,
    maxPayload: 256 * 1024,
    heartbeatMs: o.heartbeatMs,
    onSocket: (ws) => serve(ws, o),
  });
}

function serve(ws: WebSocket, o: SignallingOptions): void {
  const socket: SignalSocket = {
    send: (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    },
    close: () => {
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
  let participant: LiveParticipant | null = null;
  let hello: Promise<void> | null = null;
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : errors.internal();
    if (!(err instanceof ApiError)) o.log('error', 'video signalling error', err);
    socket.send({ type: 'error', code: e.code, message: e.message });
    if (!participant) ws.close(1008);
  };
  const timer = setTimeout(() => {
    if (!participant) fail(errors.signalingMessageInvalid('no connect message in time'));
  }, HELLO_TIMEOUT_MS);
  timer.unref();

  ws.on('message', (data: RawData, isBinary: boolean) => {
    let msg: ClientMessage;
    try {
      if (isBinary) throw errors.signalingMessageInvalid('binary frames are not used');
      msg = parseClientMessage(rawText(data));
    } catch (err) {
      return fail(err);
    }
    if (!participant) {
      if (hello) return fail(errors.signalingMessageInvalid('wait for connected before sending more'));
      hello = (async () => {
        if (msg.type === 'connect') {
          const grant = await verifyAccessToken(msg.token, o.secretOf, o.clock.now());
          participant = await o.live.connect(grant, msg.room, socket);
        } else if (msg.type === 'resume') {
          participant = o.live.resume(msg.participantSid, msg.resumeToken, socket);
        } else {
          throw errors.signalingMessageInvalid('the first message must be connect or resume');
        }
        clearTimeout(timer);
        // The socket may have closed while the join was being made.
        if (ws.readyState !== ws.OPEN) o.live.socketLost(participant, socket);
      })().catch((err: unknown) => {
        hello = null;
        fail(err);
      });
      return;
    }
    void handle(participant, msg, o).catch(fail);
  });
  ws.on('close', () => {
    clearTimeout(timer);
    if (participant) o.live.socketLost(participant, socket);
  });
  ws.on('error', () => ws.terminate());
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

async function handle(p: LiveParticipant, msg: ClientMessage, o: SignallingOptions): Promise<void> {
  switch (msg.type) {
    case 'publish':
      try {
        return o.live.publish(p, msg.sdp, msg.tracks);
      } catch (err) {
        // The SDK waits for an answer to its offer: a refusal must reach that wait, not just the log.
        if (!(err instanceof ApiError)) throw err;
        return p.socket?.send({ type: 'publish-failed', code: err.code, message: err.message });
      }
    case 'answer':
      return o.live.answer(p, msg.sdp);
    case 'unpublish':
      return o.live.unpublish(p, msg.trackSid);
    case 'layer':
      return o.live.setLayer(p, msg.trackSid, msg.layer);
    case 'leave':
      return o.live.leave(p);
    case 'connect':
    case 'resume':
      throw errors.signalingMessageInvalid('already connected');
  }
}
