/**
 * The carriers an operator configured: from the carriers file (fixed for the life of the process) and
 * through the Carriers API (stored, so they come back after a restart). Each becomes a running carrier and
 * a route in the MessageRouter.
 */
import type { Clock } from '../../core/clock.js';
import type { CarriersRepository } from '../../store/repositories/carriers.js';
import type { MessageRouter } from '../router.js';
import { CarrierConfigError, carrierFromConfig, parseCarrierConfig } from './config.js';
import type { CarrierConfig } from './config.js';
import type { Carrier, CarrierEvents } from './types.js';

export interface ManagedCarrier {
  config: CarrierConfig;
  source: 'file' | 'api';
  carrier: Carrier;
  dateCreated: number;
}

export interface CarrierManagerDeps {
  repo: CarriersRepository;
  router: MessageRouter;
  clock: Clock;
  fileCarriers: CarrierConfig[];
  /** Builds the running carrier (SMPP by default; tests may substitute). */
  build?: (config: CarrierConfig) => Carrier;
  onWarning: (message: string) => void;
}

export class CarrierManager {
  private readonly carriers = new Map<string, ManagedCarrier>();
  private events: CarrierEvents | null = null;
  private readonly started: number;

  constructor(private readonly d: CarrierManagerDeps) {
    this.started = d.clock.now();
  }

  async start(events: CarrierEvents): Promise<void> {
    this.events = events;
    for (const config of this.d.fileCarriers) await this.run(config, 'file', this.started);
    for (const row of await this.d.repo.list()) {
      let config: CarrierConfig;
      try {
        config = parseCarrierConfig(JSON.parse(row.config), `stored carrier ${row.name}`);
      } catch (err) {
        this.d.onWarning(`stored carrier ${row.name} skipped: ${String(err)}`);
        continue;
      }
      // The file is the operator's source of truth: a stored carrier of the same name stays unused.
      if (this.carriers.has(config.name)) {
        this.d.onWarning(`stored carrier ${config.name} skipped: the carriers file defines that name`);
        continue;
      }
      await this.run(config, 'api', row.date_created);
    }
  }

  async stop(): Promise<void> {
    const all = [...this.carriers.values()];
    this.carriers.clear();
    await Promise.all(
      all.map(async (m) => {
        this.d.router.remove(m.carrier);
        await m.carrier.stop();
      }),
    );
  }

  list(): ManagedCarrier[] {
    return [...this.carriers.values()].sort((a, b) => a.config.priority - b.config.priority || a.dateCreated - b.dateCreated);
  }

  get(name: string): ManagedCarrier | undefined {
    return this.carriers.get(name);
  }

  /** Validates, stores and starts a carrier; its bind comes up in the background. */
  async create(input: unknown): Promise<ManagedCarrier> {
    const config = parseCarrierConfig(input, 'carrier');
    if (this.carriers.has(config.name)) throw new CarrierConfigError(`carrier: name ${config.name} is taken`);
    const now = this.d.clock.now();
    const stored = await this.d.repo.insert({ name: config.name, config: JSON.stringify(config), date_created: now, date_updated: now });
    if (!stored) throw new CarrierConfigError(`carrier: name ${config.name} is taken`);
    return this.run(config, 'api', now);
  }

  /** Unbinds and forgets an API carrier. Messages it already sent still get their receipts matched if it comes back by the same name. */
  async remove(name: string): Promise<'removed' | 'missing' | 'file'> {
    const m = this.carriers.get(name);
    if (!m) return 'missing';
    if (m.source === 'file') return 'file';
    this.carriers.delete(name);
    this.d.router.remove(m.carrier);
    await this.d.repo.delete(name);
    await m.carrier.stop();
    return 'removed';
  }

  private async run(config: CarrierConfig, source: 'file' | 'api', dateCreated: number): Promise<ManagedCarrier> {
    const carrier = (this.d.build ?? ((c) => carrierFromConfig(c, this.d.onWarning)))(config);
    const managed: ManagedCarrier = { config, source, carrier, dateCreated };
    this.carriers.set(config.name, managed);
    if (this.events) await carrier.start(this.events);
    this.d.router.add({ carrier, prefixes: config.routes.prefixes, senders: config.routes.senders, priority: config.priority });
    return managed;
  }
}
