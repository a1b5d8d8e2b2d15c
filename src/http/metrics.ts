import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. One registry per server instance (tests run several in one process). Counters are
 * bumped in response hooks; queue depths are read only when /metrics is scraped, off the hot path.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'switchboard_http_requests_total', help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const, registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds', help: 'HTTP request duration by route template',
    labelNames: ['route'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'switchboard_webhook_deliveries_total', help: 'Webhook requests by purpose and outcome',
    labelNames: ['purpose', 'outcome'] as const, registers: [this.registry],
  });

  constructor(queueDepths?: () => Promise<Record<string, number>>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    if (queueDepths) {
      new Gauge({
        name: 'switchboard_queue_depth', help: 'Jobs waiting per queue', labelNames: ['queue'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const [queue, depth] of Object.entries(await queueDepths())) this.set({ queue }, depth);
        },
      });
    }
  }
}
