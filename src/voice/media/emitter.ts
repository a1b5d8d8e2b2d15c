/**
 * Tiny typed emitter for media objects (kept separate from the SIP folder's so media imports nothing
 * from signalling). A listener that throws must not break the media path, so errors are rethrown later.
 */
export type EventMap = { [event: string]: unknown[] };

export class Emitter<E extends EventMap> {
  private map: { [K in keyof E]?: Array<(...args: E[K]) => void> } = {};

  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): this {
    (this.map[event] ??= []).push(fn);
    return this;
  }

  off<K extends keyof E>(event: K, fn: (...args: E[K]) => void): this {
    const list = this.map[event];
    if (list) this.map[event] = list.filter((l) => l !== fn);
    return this;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const list = this.map[event];
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]?.(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
