import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { startCheckpointer } from './checkpointer.js';

const walBytes = (file: string) => statSync(`${file}-wal`).size;

test('the checkpoint thread keeps the WAL small while the main connection never checkpoints itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-checkpoint-'));
  const file = join(dir, 'db.sqlite');
  try {
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('create table t (id integer primary key, body text not null)');
    const checkpointer = startCheckpointer(sqlite, file, 20);
    assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0);
    const insert = sqlite.prepare('insert into t (body) values (?)');
    const body = 'x'.repeat(1000);
    // 40 commits of 500 rows (~20 MB written in all), with pauses the thread can checkpoint in.
    for (let round = 0; round < 40; round++) {
      sqlite.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run(body);
      })();
      await new Promise((r) => setTimeout(r, 30));
    }
    // Without checkpoints the WAL would hold every page written: over 20 MB.
    assert.ok(walBytes(file) < 8 * 2 ** 20, `WAL is ${walBytes(file)} bytes`);
    await checkpointer.stop();
    sqlite.close();
    const reopened = new SQLite(file, { readonly: true });
    assert.deepEqual(reopened.prepare('select count(*) as n from t').get(), { n: 20_000 });
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
