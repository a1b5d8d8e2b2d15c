/**
 * A WebSocket endpoint on one path of an existing HTTP server (the API's own port), as the video and the
 * browser Voice SDK signalling both need: upgrades of other paths are left to whoever else listens, and a
 * heartbeat pings every socket so a browser that vanished without closing is dropped within two beats.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WebSocketPathOptions {
  path: string;
  /** Largest message accepted, in bytes. */
  maxPayload: number;
  /** Pings this often; a socket that did not answer the last ping is terminated. */
  heartbeatMs: number;
  onSocket: (ws: WebSocket) => void;
}

export function attachWebSocketPath(server: Server, o: WebSocketPathOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload });
  // Sockets that answered the last ping (noServer mode emits no 'connection': tracked at the upgrade).
  const alive = new WeakSet<WebSocket>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== o.path) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      o.onSocket(ws);
    });
  };
  server.on('upgrade', onUpgrade);
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, o.heartbeatMs);
  heartbeat.unref();
  return {
    close: () => {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
