// The primary of `--workers N`: forks the workers, restarts one that dies, sums their metrics, drains them all.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../core/logger.js';
import { isMetricsMessage, METRICS_ASK, METRICS_COLLECT, type MetricsMessage } from './worker.js';

const LISTENING = 'switchboard:listening';

/** What a worker tells the primary once its API listens. */
export interface ListeningMessage {
  type: typeof LISTENING;
  url: string;
  publicUrl: string;
}

export function listeningMessage(url: string, publicUrl: string): ListeningMessage {
  return { type: LISTENING, url, publicUrl };
}

function isListening(m: unknown): m is ListeningMessage {
  return typeof m === 'object' && m !== null && (m as ListeningMessage).type === LISTENING;
}

export interface PrimaryOptions {
  count: number;
  log: Logger;
  /** Called once, when every worker listens for the first time (the banner). */
  onReady: (url: string, publicUrl: string) => void;
  /** A worker that lived shorter than this before dying is restarted after a growing pause (a crash loop). */
  stableMs?: number;
}

/**
 * Runs until SIGTERM or SIGINT has drained every worker; returns the exit code. A worker that exits before
 * all of them first listened (a taken port, a database that refuses) ends the start: the others are stopped
 * and its exit code is returned. Later, a worker that dies is forked again under the same index, so worker 1
 * keeps SIP and every label stays stable.
 */
export function runPrimary(o: PrimaryOptions): Promise<number> {
  const collecting = new Map<number, { waiting: Set<Worker>; parts: object[][]; done: (text: string | Error) => void }>();
  let nextCollect = 0;
  const stableMs = o.stableMs ?? 10_000;
  const workers = new Map<number, { worker: Worker; started: number; failures: number; listening: boolean }>();
  // The machine's metrics: every listening worker's registry, summed by prom-client's aggregation (counters
  // and histograms add up; gauges say how in their `aggregator`). A worker still starting is left out, and
  // one that dies while asked is dropped from that answer.
  const gather = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextCollect++;
      const targets = [...workers.values()].filter((w) => w.listening && w.worker.isConnected()).map((w) => w.worker);
      const timer = setTimeout(() => finish(new Error('a worker did not answer for metrics')), 5_000);
      const finish = (r: string | Error) => {
        clearTimeout(timer);
        collecting.delete(id);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      const entry = { waiting: new Set(targets), parts: [] as object[][], done: finish };
      collecting.set(id, entry);
      for (const t of targets) t.send({ type: METRICS_COLLECT, id } satisfies MetricsMessage);
      settle(entry);
    });
  const settle = (c: { waiting: Set<Worker>; parts: object[][]; done: (text: string | Error) => void }) => {
    if (c.waiting.size > 0) return;
    Promise.resolve(AggregatorRegistry.aggregate(c.parts).metrics()).then(c.done, (err: unknown) =>
      c.done(err instanceof Error ? err : new Error(String(err))),
    );
  };
  const collected = (worker: Worker, m: MetricsMessage) => {
    const c = collecting.get(m.id);
    if (!c?.waiting.delete(worker)) return;
    if (m.error !== undefined || !m.json) return c.done(new Error(m.error ?? 'no metrics'));
    c.parts.push(m.json);
    settle(c);
  };
  const forget = (worker: Worker) => {
    for (const c of collecting.values()) if (c.waiting.delete(worker)) settle(c);
  };
  let ready = 0;
  let started = false;
  let draining = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    const finishIfDone = () => {
      if (draining && workers.size === 0) {
        process.off('SIGTERM', drain);
        process.off('SIGINT', drain);
        resolve(exitCode);
      }
    };
    const fork = (index: number, failures: number) => {
      const worker = cluster.fork({ SWITCHBOARD_WORKER_INDEX: String(index) });
      const entry = { worker, started: Date.now(), failures, listening: false };
      workers.set(index, entry);
      worker.on('message', (m: unknown) => {
        if (isMetricsMessage(m, METRICS_COLLECT)) collected(worker, m);
        else if (isMetricsMessage(m, METRICS_ASK)) {
          gather().then(
            (text) => worker.isConnected() && worker.send({ type: METRICS_ASK, id: m.id, text } satisfies MetricsMessage),
            (err: unknown) =>
              worker.isConnected() &&
              worker.send({ type: METRICS_ASK, id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies MetricsMessage),
          );
        } else if (isListening(m)) {
          entry.listening = true;
          if (!started && ++ready === o.count) {
            started = true;
            o.onReady(m.url, m.publicUrl);
          }
        }
      });
      worker.on('exit', (code, signal) => {
        forget(worker);
        const entry = workers.get(index);
        if (entry?.worker !== worker) return;
        workers.delete(index);
        if (draining) {
          if (code !== 0) exitCode = 1;
          finishIfDone();
          return;
        }
        if (!started) {
          o.log.error({ worker: index, code, signal }, 'a worker exited before the server started; stopping the others');
          exitCode = code || 1;
          drain();
          return;
        }
        const lived = Date.now() - entry.started;
        const next = lived < stableMs ? entry.failures + 1 : 0;
        const delay = next === 0 ? 0 : Math.min(30_000, 500 * 2 ** (next - 1));
        o.log.warn({ worker: index, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; starting it again');
        setTimeout(() => {
          if (!draining) fork(index, next);
        }, delay).unref();
      });
    };
    // SIGTERM (or SIGINT) drains every worker; a second signal ends them at once.
    let signals = 0;
    const drain = () => {
      if (signals++ > 0) {
        for (const { worker } of workers.values()) worker.process.kill('SIGKILL');
        return;
      }
      draining = true;
      o.log.info({ workers: workers.size }, 'draining the workers');
      for (const { worker } of workers.values()) worker.process.kill('SIGTERM');
      finishIfDone();
    };
    process.on('SIGTERM', drain);
    process.on('SIGINT', drain);
    for (let i = 1; i <= o.count; i++) fork(i, 0);
  });
}
