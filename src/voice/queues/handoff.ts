/**
 * The meeting of a queued caller and the agent who took it (<Dial><Queue>): the caller's side plays the
 * <Queue url> document and then says it is ready; the agent's side bridges, and releases the caller when
 * the bridge ends. Either side may learn that the other is gone.
 */
export interface Dequeuer {
  callSid: string;
  url: string | null;
  method: 'GET' | 'POST';
}

import type { MediaLink } from './media-link.js';

export class Handoff {
  /** The media relay between the two, once the agent's side made it. */
  link: MediaLink | null = null;
  /** True once the caller may be bridged; false when the caller left first. */
  readonly ready: Promise<boolean>;
  /** Settles when the agent lets the caller go (the bridge ended, or it never happened). */
  readonly released: Promise<{ bridged: boolean }>;
  bridgedAt: number | null = null;
  private resolveReady: (ok: boolean) => void = () => undefined;
  private resolveReleased: (r: { bridged: boolean }) => void = () => undefined;
  private goneListeners: Array<() => void> = [];
  private isGone = false;

  constructor(readonly dequeuer: Dequeuer) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.released = new Promise((resolve) => (this.resolveReleased = resolve));
  }

  get gone(): boolean {
    return this.isGone;
  }

  markReady(ok: boolean): void {
    this.resolveReady(ok);
  }

  release(): void {
    this.resolveReleased({ bridged: this.bridgedAt !== null });
  }

  /** Ends the media relay (the caller's own TwiML is heard again). */
  unlink(): void {
    const link = this.link;
    this.link = null;
    link?.close();
  }

  /** The caller hung up or was redirected: the agent's side stops. */
  callerGone(): void {
    if (this.isGone) return;
    this.isGone = true;
    this.unlink();
    this.resolveReady(false);
    const listeners = this.goneListeners;
    this.goneListeners = [];
    for (const cb of listeners) cb();
  }

  onGone(cb: () => void): void {
    if (this.isGone) queueMicrotask(cb);
    else this.goneListeners.push(cb);
  }
}
