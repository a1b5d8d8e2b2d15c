import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

export interface Checkpointer {
  stop(): Promise<void>;
}

// Plain JavaScript evaluated in the thread, so it runs the same from the build and under tsx.
const WORKER_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message || err)); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits runs a
 * checkpoint whenever the WAL passes 1000 pages, copying pages into the database file and syncing it inside
 * that commit: about half of all commit time under a steady message load. Here a worker thread with its
 * own connection runs PASSIVE checkpoints (which never block writers) on an interval, and the main
 * connection stops checkpointing. If the thread dies, the main connection checkpoints again as before.
 */
export function startCheckpointer(sqlite: SQLite.Database, file: string, intervalMs = 250): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { module, file, intervalMs } });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      resolve();
    }),
  );
  worker.on('message', (m: string) => {
    process.emitWarning(`SQLite checkpoint failed: ${m}`);
  });
  worker.on('error', (err) => {
    process.emitWarning(`SQLite checkpoint thread stopped: ${err.message}`);
  });
  return {
    stop: async () => {
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
