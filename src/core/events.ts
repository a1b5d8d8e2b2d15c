import { EventEmitter } from 'node:events';

/** Things that happened, for live views (the console's event stream) and tests. Never needed for correctness. */
export interface DomainEvents {
  'webhook.request': {
    accountSid: string;
    sid: string;
    resourceSid: string | null;
    purpose: string;
    url: string;
    status: number | null;
    errorCode: number | null;
  };
  alert: { accountSid: string; sid: string; code: number; resourceSid: string | null };
  'message.status': { accountSid: string; sid: string; status: string; direction: string };
  'call.status': { accountSid: string; sid: string; status: string };
  /** A call joined or left a queue (the console's queue view). */
  'queue.member': { accountSid: string; queueSid: string; callSid: string; change: 'joined' | 'left' };
}

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(1000);
  }

  emit<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    if (this.emitter.listenerCount(name) > 0) this.emitter.emit(name, event);
  }

  on<K extends keyof DomainEvents>(name: K, listener: (event: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
