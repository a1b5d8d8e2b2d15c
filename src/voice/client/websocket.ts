/**
 * The Voice SDK's WebSocket on the API's own port: an `upgrade` of `/signal`, the path the SDK appends to
 * its `chunderw` option (`wss://<chunderw>/signal`). The token travels in the first message, not the URL.
 */
import type { Server } from 'node:http';
import { attachWebSocketPath } from '../../core/net/websocket-path.js';
import type { ClientGateway } from './gateway.js';

export const VOICE_SIGNAL_PATH = '/signal';

export function attachVoiceSignalling(server: Server, gateway: ClientGateway, heartbeatMs = 10_000): { close(): void } {
  const endpoint = attachWebSocketPath(server, {
    path: VOICE_SIGNAL_PATH,
    maxPayload: 256 * 1024,
    heartbeatMs,
    onSocket: (ws) => {
      const conn = gateway.connect(
        (text) => ws.send(text),
        () => ws.readyState === ws.OPEN,
        () => ws.close(1000),
        () => ws.terminate(),
      );
      ws.on('message', (data, isBinary) => {
        if (!isBinary) conn.message(data.toString());
      });
      ws.on('close', () => conn.closed());
      ws.on('error', () => ws.terminate());
    },
  });
  return {
    close: () => {
      endpoint.close();
      gateway.close();
    },
  };
}
