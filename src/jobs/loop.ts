/**
 * The claim-and-run loop every durable worker shares: run a step that claims up to `batch` items and works
 * them, go again at once while there is more, otherwise wait `pollMs` (for paced work and for other nodes'
 * expired leases). `kick()` wakes it early when this process just added work; `stop()` waits for the step in
 * hand, which is what a SIGTERM drain needs.
 */
export class ClaimLoop {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private again = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    /** Claims and works one batch; returns how many items it claimed. */
    private readonly step: () => Promise<number>,
    private readonly opts: { batch: number; pollMs: number; onError: (err: unknown) => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.idle = this.tick(); }, ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    let claimed = 0;
    try {
      claimed = await this.step();
    } catch (err) {
      this.opts.onError(err);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const busy = claimed >= this.opts.batch || this.again;
    this.again = false;
    this.schedule(busy ? 0 : this.opts.pollMs);
  }
}
