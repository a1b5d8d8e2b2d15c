// A benchmark's load-generating thread (the bridge and conference drivers): a worker started from a
// TypeScript module under tsx, asked one message at a time, each answered by the next message it posts.
import { Worker } from 'node:worker_threads';

export class DriverThread<To, From> {
  // The benchmark runs under tsx, whose loader hooks do not reach worker threads on Node 20: the thread
  // registers tsx before importing the driver module.
  private readonly worker: Worker;

  constructor(module: URL) {
    this.worker = new Worker(
      `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); })`,
      { eval: true },
    );
  }

  ask<T extends From>(m: To): Promise<T> {
    return new Promise((resolve) => {
      this.worker.once('message', (r: T) => resolve(r));
      this.worker.postMessage(m);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
