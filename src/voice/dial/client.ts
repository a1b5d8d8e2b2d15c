/**
 * <Client>: rings the browser Voice SDK devices registered as the identity (voice/client/), as a child
 * call like <Number>; its <Parameter>s reach the device with the call (the SDK's customParameters).
 */
import type { ClientNoun } from '../../twiml/index.js';
import { callbacks, whisperOf, type LegDialer } from './legs.js';
import type { NounDialer } from './types.js';

export function clientDialer(legs: LegDialer): NounDialer<ClientNoun> {
  return {
    async start(noun, ctx) {
      return [
        await legs.place(ctx, {
          to: `client:${noun.identity}`,
          sendDigits: null,
          callbacks: callbacks(noun, ctx),
          whisper: whisperOf(noun, ctx),
          params: noun.parameters.map((p) => ({ name: p.name, value: p.value })),
        }),
      ];
    },
  };
}
