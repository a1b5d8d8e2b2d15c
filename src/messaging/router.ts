import type { Carrier } from './carriers/types.js';

/** A carrier and the destinations and senders it serves, in priority order. */
export interface Route {
  carrier: Carrier;
  /** E.164 prefixes (`+44`, `+1415`); empty means any destination. */
  prefixes: string[];
  /** Senders that must use this route; empty means any sender. */
  senders: string[];
}

export type RouteChoice = { kind: 'internal' } | { kind: 'carrier'; carrier: Carrier } | { kind: 'none' };

/**
 * Chooses how a message leaves: to a number some account owns (delivered inside the platform), else the
 * first route that matches sender and destination and whose carrier is up (failover while a bind is down),
 * else the simulator's virtual phones.
 */
export class MessageRouter {
  constructor(private readonly routes: Route[], private readonly fallback: Carrier) {}

  choose(from: string, to: string, ownedTo: boolean): RouteChoice {
    if (ownedTo) return { kind: 'internal' };
    let matchedButDown = false;
    for (const r of this.routes) {
      if (r.senders.length && !r.senders.includes(from)) continue;
      if (r.prefixes.length && !r.prefixes.some((p) => to.startsWith(p))) continue;
      if (r.carrier.health().up) return { kind: 'carrier', carrier: r.carrier };
      matchedButDown = true;
    }
    if (matchedButDown) return { kind: 'none' };
    return { kind: 'carrier', carrier: this.fallback };
  }

  carriers(): Carrier[] {
    return [...new Set([this.fallback, ...this.routes.map((r) => r.carrier)])];
  }
}
