// The worker side of `--workers`: hands its registry to the primary, and asks it for the machine's total.
import type { Registry } from 'prom-client';

const ASK = 'switchboard:metrics';
const COLLECT = 'switchboard:collect';

/** A worker asks the primary for the machine's metrics (`ask`), the primary asks each worker for its own (`collect`). */
export interface MetricsMessage {
  type: typeof ASK | typeof COLLECT;
  id: number;
  /** The answer to `ask`: Prometheus text. */
  text?: string;
  /** The answer to `collect`: the worker's registry as JSON. */
  json?: object[];
  error?: string;
}

export function isMetricsMessage(m: unknown, type: MetricsMessage['type']): m is MetricsMessage {
  return typeof m === 'object' && m !== null && (m as MetricsMessage).type === type && typeof (m as MetricsMessage).id === 'number';
}

export const METRICS_ASK = ASK;
export const METRICS_COLLECT = COLLECT;

/**
 * Answers the primary's collection requests with this worker's registry, and returns what /metrics should
 * call: the primary gathers every listening worker's registry and sums them (prom-client's aggregation), so
 * a scrape that reaches any worker describes the whole machine.
 */
export function joinPrimary(registry: Registry, timeoutMs = 10_000): () => Promise<string> {
  const pending = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (m: unknown) => {
    if (isMetricsMessage(m, COLLECT)) {
      registry.getMetricsAsJSON().then(
        (json) => process.send?.({ type: COLLECT, id: m.id, json } satisfies MetricsMessage),
        (err: unknown) => process.send?.({ type: COLLECT, id: m.id, error: String(err) } satisfies MetricsMessage),
      );
      return;
    }
    if (!isMetricsMessage(m, ASK)) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== undefined || m.text === undefined) p.reject(new Error(`metrics from the primary: ${m.error ?? 'no answer'}`));
    else p.resolve(m.text);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the primary did not answer for metrics'));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: ASK, id } satisfies MetricsMessage);
    });
}
