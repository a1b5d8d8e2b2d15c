/**
 * The Voice SDK's WebSocket on the API's own port: an `upgrade` of `/signal`, the path the SDK appends to
 * its `chunderw` option (`wss://<chunderw>/signal`). The token travels in the first message, not the URL.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientGateway } from './gateway.js';

export const VOICE_SIGNAL_PATH = '/signal';

export function attachVoiceSignalling(server: Server, gateway: ClientGateway, heartbeatMs = 10_000): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const alive = new WeakSet<WebSocket>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== VOICE_SIGNAL_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      const conn = gateway.connect(
        (text) => ws.send(text),
        () => ws.readyState === ws.OPEN,
        () => ws.close(1000),
      );
      ws.on('message', (data, isBinary) => {
        if (!isBinary) conn.message(data.toString());
      });
      ws.on('close', () => conn.closed());
      ws.on('error', () => ws.terminate());
    });
  };
  server.on('upgrade', onUpgrade);
  // A browser that vanished without closing is noticed within two heartbeats.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();
  return {
    close: () => {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      gateway.close();
    },
  };
}
