// A minimal EventEmitter (on/once/off/emit), the event API twilio-video's objects expose.
type Listener = (...args: never[]) => void;

export class EventEmitter {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: (...args: never[]) => void): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  once(event: string, listener: (...args: never[]) => void): this {
    const wrapped = (...args: never[]) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string, listener: (...args: never[]) => void): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  removeListener(event: string, listener: (...args: never[]) => void): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const l of [...set]) {
      try {
        (l as (...a: unknown[]) => void)(...args);
      } catch (err) {
        // A listener's bug must not stop the others nor the SDK's own bookkeeping.
        setTimeout(() => {
          throw err;
        });
      }
    }
    return true;
  }
}

/** An error with Twilio's numeric code, as twilio-video's TwilioError. */
export class TwilioError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioError';
  }
}
