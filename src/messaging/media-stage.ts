import type { MessageRow } from '../store/repositories/messages.js';
import type { FetchOutcome } from './media.js';

export interface MediaStageDeps {
  fetch: (m: MessageRow) => Promise<FetchOutcome>;
  /** Downloads at once on this node; MMS beyond it wait in the database (rescheduled), not in memory. */
  concurrency: number;
  /** Extends the message's claim over the download, so no node takes it meanwhile. Runs before the fetch. */
  hold: (m: MessageRow) => Promise<void>;
  /** The media is stored: the message goes back to the send pipeline. */
  fetched: (m: MessageRow) => Promise<void>;
  /** The media could not be fetched (Twilio's 12300 or 11751): the message fails. */
  failed: (m: MessageRow, errorCode: number, message: string) => Promise<void>;
  /** Something else went wrong (the store, say): the message is tried again later. */
  retry: (m: MessageRow, err: unknown) => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * Downloads MMS media outside the send batch. A MediaUrl can be slow on purpose (a server trickling a byte a
 * second); fetched inline it held every other message of the batch, and every tenant's SMS behind it. Here a
 * download only ever holds its own message, bounded by the fetcher's deadline and by `concurrency`.
 */
export class MediaStage {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly d: MediaStageDeps) {}

  /** Starts the download when there is room; false means the caller reschedules the message. */
  take(m: MessageRow): boolean {
    if (this.running.has(m.sid)) return true; // already downloading here (its claim came round again)
    if (this.running.size >= this.d.concurrency) return false;
    const work = this.run(m).finally(() => this.running.delete(m.sid));
    this.running.set(m.sid, work);
    return true;
  }

  get size(): number {
    return this.running.size;
  }

  /** Waits for the downloads in hand (each bounded by the fetch deadline): the SIGTERM drain. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private async run(m: MessageRow): Promise<void> {
    try {
      await this.d.hold(m);
      const outcome = await this.d.fetch(m);
      if (outcome.kind === 'ok') await this.d.fetched(m);
      else await this.d.failed(m, outcome.errorCode, outcome.message);
    } catch (err) {
      this.d.onError(err);
      // If even this fails the claim runs out and the message is taken again: never lost, never stuck here.
      await this.d.retry(m, err).catch((e: unknown) => this.d.onError(e));
    }
  }
}
