import type { Carrier } from './carriers/types.js';

/** A carrier and the destinations and senders it serves. */
export interface Route {
  carrier: Carrier;
  /** E.164 prefixes (`+44`, `+1415`); empty means any destination. */
  prefixes: string[];
  /** Senders that must use this route; empty means any sender. */
  senders: string[];
  /** Lower is tried first; equal priorities keep the order they were added in. Default 100. */
  priority?: number;
}

export type RouteChoice = { kind: 'internal' } | { kind: 'carrier'; carrier: Carrier } | { kind: 'none' };

/**
 * Chooses how a message leaves: to a number some account owns (delivered inside the platform), else the
 * first route by priority that matches sender and destination and whose carrier is up (failover while a
 * bind is down), else the simulator's virtual phones. A message whose routes are all down waits for one
 * (`none`) rather than leaking to the simulator.
 */
export class MessageRouter {
  private routes: Route[] = [];

  constructor(
    routes: Route[],
    private readonly fallback: Carrier,
  ) {
    for (const r of routes) this.add(r);
  }

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

  /** Adds a route (routes are swapped, not mutated, so a choice in progress sees a consistent list). */
  add(route: Route): void {
    const next = [...this.routes, route];
    // Array.prototype.sort is stable: equal priorities keep insertion order.
    next.sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100));
    this.routes = next;
  }

  /** Removes every route of a carrier. */
  remove(carrier: Carrier): void {
    this.routes = this.routes.filter((r) => r.carrier !== carrier);
  }

  carriers(): Carrier[] {
    return [...new Set([this.fallback, ...this.routes.map((r) => r.carrier)])];
  }
}
