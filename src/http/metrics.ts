import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CarrierCounters } from '../messaging/carriers/types.js';
import { type LookupCache, REGIONS } from '../store/cache/lookup-cache.js';

/**
 * Prometheus metrics. One registry per server instance (tests run several in one process). Counters are
 * bumped in response hooks; queue depths are read only when /metrics is scraped, off the hot path.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  /** Messages this node handed to a carrier: in a cluster, which node did the sending. */
  readonly messagesSent = new Counter({
    name: 'switchboard_messages_sent_total',
    help: 'Messages this node handed to a carrier (status sent), by carrier',
    labelNames: ['carrier'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'switchboard_webhook_deliveries_total',
    help: 'Webhook requests by purpose and outcome',
    labelNames: ['purpose', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly retentionPruned = new Counter({
    name: 'switchboard_retention_pruned_total',
    help: 'Records removed (message bodies: redacted) by the retention pruner, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /** Counts a response against this worker (under `--workers`); the labels object is reused. */
  countWorkerRequest(): void {
    if (this.workerLabel) this.workerRequests?.inc(this.workerLabel);
  }

  /**
   * Per-carrier health and counters, read from the carriers when /metrics is scraped (the carriers keep
   * their own counts, which the Carriers API shows too, so the two never disagree).
   */
  trackCarriers(source: () => CarrierSample[]): void {
    const registers = [this.registry];
    new Gauge({
      name: 'switchboard_carrier_up',
      help: '1 while the carrier is bound',
      labelNames: ['carrier'] as const,
      registers,
      // Over --workers: 1 only while every worker's bind is up.
      aggregator: 'min',
      collect() {
        this.reset();
        for (const c of source()) this.set({ carrier: c.name }, c.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_carrier_parts_per_second',
      help: 'Parts accepted per second over the last 10 s',
      labelNames: ['carrier'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of source()) if (c.counters) this.set({ carrier: c.name }, c.counters.partsPerSecond);
      },
    });
    const counter = (name: string, help: string, pick: (c: CarrierCounters) => Record<string, number>, label: string) =>
      new Counter({
        name,
        help,
        labelNames: ['carrier', label] as const,
        registers,
        collect() {
          // Absolute values from the carrier: reset, then set by incrementing from zero.
          this.reset();
          for (const c of source()) {
            if (!c.counters) continue;
            for (const [value, n] of Object.entries(pick(c.counters))) if (n > 0) this.inc({ carrier: c.name, [label]: value }, n);
          }
        },
      });
    counter(
      'switchboard_carrier_messages_total',
      'Messages handed to a carrier, by outcome',
      (c) => ({ submitted: c.submitted, failed: c.failed, retried: c.retried }),
      'outcome',
    );
    counter('switchboard_carrier_parts_total', 'submit_sm parts, by outcome', (c) => ({ accepted: c.partsSubmitted, throttled: c.throttled }), 'outcome');
    counter(
      'switchboard_carrier_events_total',
      'Receipts and MO messages received from a carrier',
      (c) => ({ receipt: c.receipts, inbound: c.inbound }),
      'kind',
    );
    // Concatenated MO reassembly bounds (docs/smpp.md): a flood of sets that never complete shows here.
    const mo = (c: CarrierCounters) => c.moReassembly;
    counter(
      'switchboard_carrier_mo_reassembly_total',
      'Concatenated MO sets that expired or were evicted by a bound, and parts too large to hold',
      (c): Record<string, number> => {
        const r = mo(c);
        return r ? { expired: r.expired, evicted: r.evicted, oversized_part: r.oversized } : {};
      },
      'outcome',
    );
    counter(
      'switchboard_carrier_mo_reassembly_dropped_total',
      'Concatenated MO parts and estimated bytes dropped without reaching the app',
      (c): Record<string, number> => {
        const r = mo(c);
        return r ? { parts: r.droppedParts, bytes: r.droppedBytes } : {};
      },
      'unit',
    );
    new Gauge({
      name: 'switchboard_carrier_mo_reassembly_pending',
      help: 'Incomplete concatenated MO sets and estimated bytes held',
      labelNames: ['carrier', 'kind'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of source()) {
          const r = c.counters?.moReassembly;
          if (r)
            for (const [kind, n] of [
              ['sets', r.pendingSets],
              ['bytes', r.pendingBytes],
            ] as const)
              this.set({ carrier: c.name, kind }, n);
        }
      },
    });
  }

  /** The lookup cache (docs/architecture.md, "Lookup cache"), read when /metrics is scraped. */
  trackLookupCache(cache: Pick<LookupCache, 'stats' | 'caching' | 'size'>): void {
    const registers = [this.registry];
    new Counter({
      name: 'switchboard_lookup_cache_reads_total',
      help: 'Reads of account, number and opt-out rows through the lookup cache, answered from memory (hit) or the database (miss)',
      labelNames: ['result'] as const,
      registers,
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, cache.stats.hits);
        this.inc({ result: 'miss' }, cache.stats.misses);
      },
    });
    new Counter({
      name: 'switchboard_lookup_cache_invalidations_total',
      help: 'Cache entries dropped because their rows were written (here or, on PostgreSQL, by any process)',
      registers,
      collect() {
        this.reset();
        this.inc(cache.stats.invalidations);
      },
    });
    new Counter({
      name: 'switchboard_lookup_cache_suspensions_total',
      help: 'Times the cache stopped because invalidations from other processes could not arrive (PostgreSQL listener down)',
      registers,
      collect() {
        this.reset();
        this.inc(cache.stats.suspensions);
      },
    });
    new Gauge({
      name: 'switchboard_lookup_cache_caching',
      help: '1 while reads are cached; 0 while suspended or turned off (--lookup-cache false)',
      registers,
      // Over --workers: 1 only while every worker caches.
      aggregator: 'min',
      collect() {
        this.set(cache.caching ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_lookup_cache_entries',
      help: 'Entries held, by region',
      labelNames: ['region'] as const,
      registers,
      collect() {
        for (const region of REGIONS) this.set({ region }, cache.size(region));
      },
    });
  }

  /** Requests this worker answered, under `--workers` only: which workers take part in the machine's total. */
  readonly workerRequests: Counter<'worker'> | undefined;
  private readonly workerLabel: { worker: string } | undefined;
  /**
   * What /metrics answers: this registry, or under `--workers` the whole machine's registries summed by the
   * primary (src/workers/), which asks every worker for its own.
   */
  gather: () => Promise<string> = () => this.registry.metrics();

  /** `worker`: this process's index under `--workers` (1..N), 0 for a single process. */
  constructor(queueDepths?: () => Promise<Record<string, number>>, worker = 0) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    if (worker > 0) {
      this.workerLabel = { worker: String(worker) };
      this.workerRequests = new Counter({
        name: 'switchboard_worker_http_requests_total',
        help: 'HTTP requests answered, by worker process (--workers)',
        labelNames: ['worker'] as const,
        registers: [this.registry],
      });
      new Gauge({
        name: 'switchboard_worker_info',
        help: 'One per live worker process (--workers), with its process id',
        labelNames: ['worker', 'pid'] as const,
        registers: [this.registry],
      }).set({ worker: String(worker), pid: String(process.pid) }, 1);
    }
    if (queueDepths) {
      new Gauge({
        name: 'switchboard_queue_depth',
        help: 'Jobs waiting per queue',
        labelNames: ['queue'] as const,
        registers: [this.registry],
        // Every worker reads the same table: the machine's depth is one reading, not their sum.
        aggregator: 'max',
        async collect() {
          this.reset();
          for (const [queue, depth] of Object.entries(await queueDepths())) this.set({ queue }, depth);
        },
      });
    }
  }
}

export interface CarrierSample {
  name: string;
  up: boolean;
  counters?: CarrierCounters | undefined;
}
