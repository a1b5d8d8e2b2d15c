/**
 * The browser Voice SDK against Switchboard (docs/voice-client.md): the PStream gateway, calls placed by
 * devices (outgoing.ts) and calls to `client:<identity>` (connector.ts), media over WebRTC (media.ts).
 */
import type { KeySecretLookup } from '../../core/access-token.js';
import type { Placing } from '../calls/dialer.js';
import type { Connector } from '../calls/peer.js';
import { ClientConnector } from './connector.js';
import { ClientGateway } from './gateway.js';
import type { WebRtcOptions } from './media.js';
import { placeFromDevice, type OutgoingDeps } from './outgoing.js';

export interface VoiceClientsDeps extends Omit<OutgoingDeps, 'gateway'> {
  secretOf: KeySecretLookup;
  webrtc: WebRtcOptions;
  log: (level: 'warn' | 'error', msg: string, err?: unknown) => void;
}

export interface VoiceClients {
  gateway: ClientGateway;
  /** Rings the devices registered as `identity` (from `client:<identity>`). */
  connector(placing: Placing, identity: string): Connector;
}

export function createVoiceClients(d: VoiceClientsDeps): VoiceClients {
  const outgoing: OutgoingDeps = { ...d, gateway: () => gateway };
  const gateway: ClientGateway = new ClientGateway({
    secretOf: d.secretOf,
    now: d.now,
    log: d.log,
    placeCall: (link, grant, msg) => void placeFromDevice(outgoing, link, grant, msg).catch(d.onError),
  });
  return {
    gateway,
    connector: (placing, identity) => new ClientConnector({ gateway: () => gateway, media: d.media, webrtc: d.webrtc }, placing, identity),
  };
}

export { attachVoiceSignalling, VOICE_SIGNAL_PATH } from './websocket.js';
export type { WebRtcOptions } from './media.js';
