import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../db.js';

// Released migrations are never edited: add a new file instead.
/**
 * PostgreSQL only: each table the lookup cache holds (store/cache/) notifies every listening node of each
 * changed row, from inside the writing transaction, so the notification is delivered when the write
 * commits and never for a rollback, whoever wrote it (any node, `switchboard start --workers`, psql). The
 * payload is `[table, key columns...]` as JSON, for the old row and for the new one (PostgreSQL sends a
 * repeated payload once per transaction); a TRUNCATE sends `[table]`. store/cache/changes.ts reads the key
 * columns in the order given here. SQLite needs none: one process writes it and invalidates its own cache.
 */
export function cacheNotifyMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql
        .raw(`CREATE FUNCTION switchboard_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  payload jsonb;
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('switchboard_cache', jsonb_build_array(TG_TABLE_NAME)::text);
    RETURN NULL;
  END IF;
  FOREACH r IN ARRAY (CASE TG_OP WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)] WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
                      ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END) LOOP
    payload := jsonb_build_array(TG_TABLE_NAME);
    FOR i IN 0 .. TG_NARGS - 1 LOOP
      payload := payload || jsonb_build_array(r -> TG_ARGV[i]);
    END LOOP;
    PERFORM pg_notify('switchboard_cache', payload::text);
  END LOOP;
  RETURN NULL;
END $$`)
        .execute(db);
      const tables: Record<string, string[]> = {
        accounts: ['sid'],
        phone_numbers: ['phone_number', 'messaging_service_sid'],
        messaging_services: ['account_sid', 'sid'],
        opt_outs: ['account_sid', 'sender', 'recipient'],
      };
      for (const [table, columns] of Object.entries(tables)) {
        const args = columns.map((c) => `'${c}'`).join(', ');
        await sql
          .raw(`CREATE TRIGGER switchboard_cache AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION switchboard_cache_notify(${args})`)
          .execute(db);
        await sql
          .raw(`CREATE TRIGGER switchboard_cache_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION switchboard_cache_notify()`)
          .execute(db);
      }
    },
  };
}
