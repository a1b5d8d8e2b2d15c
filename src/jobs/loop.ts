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
  private runningSince = 0;
  private lastOk = 0;
  private failing = false;

  constructor(
    /** Claims and works one batch; returns how many items it claimed. */
    private readonly step: () => Promise<number>,
    private readonly opts: { batch: number; pollMs: number; onError: (err: unknown) => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.lastOk = Date.now();
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /**
   * How long the loop has gone without completing a step (one hanging, or each one failing); 0 while it
   * moves. Readiness (`/healthz`) reports a loop stalled past a threshold.
   */
  stalledMs(now = Date.now()): number {
    if (this.stopped) return 0;
    if (this.running) return now - this.runningSince;
    return this.failing ? now - this.lastOk : 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.idle = this.tick();
    }, ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    this.runningSince = Date.now();
    let claimed = 0;
    try {
      claimed = await this.step();
      this.failing = false;
      this.lastOk = Date.now();
    } catch (err) {
      this.failing = true;
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
