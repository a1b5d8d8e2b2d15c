/**
 * A minimal typed event emitter: event name -> tuple of arguments. Used on the RTP path, so `emit` allocates
 * nothing: `on` and `off` replace a listener array instead of changing it, and an emit walks the array it
 * found, which is then a snapshot (listeners added or removed meanwhile take effect from the next emit).
 * A listener that throws is reported to `onListenerError` instead of unwinding into the emitter's caller,
 * where it would break SIP transaction state or the media path.
 */
export type EventMap = { [event: string]: unknown[] };
type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<E extends EventMap> {
  private listeners: { [K in keyof E]?: ReadonlyArray<Listener<E[K]>> } = {};
  onListenerError: (err: unknown) => void = rethrowLater;

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    this.listeners[event] = [...(this.listeners[event] ?? []), fn];
    return this;
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const wrapper: Listener<E[K]> = (...args) => {
      this.off(event, wrapper);
      fn(...args);
    };
    return this.on(event, wrapper);
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    const list = this.listeners[event];
    if (list) this.listeners[event] = list.filter((l) => l !== fn);
    return this;
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.listeners[event]?.length ?? 0;
  }

  removeAllListeners(): void {
    this.listeners = {};
  }

  /** Returns whether anyone listened. */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.listeners[event];
    if (!list || list.length === 0) return false;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return true;
  }
}

/** The default: the error surfaces as an uncaught exception, outside the emitter's caller. */
function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
