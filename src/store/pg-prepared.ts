/**
 * Named prepared statements for the hot queries on PostgreSQL. node-postgres sends every query as an
 * unnamed statement, which PostgreSQL parses and plans anew each time; a named one is parsed once per
 * connection and its plan reused. Kysely builds the same SQL text for the same query shape, so each text
 * gets one name (`sb1`, `sb2`, ...), up to a bound: texts with many parameters (a batch insert, an `IN`
 * list) vary by size and are left unnamed, as is everything past the first NAMES_KEPT texts.
 *
 * A prepared plan fails when a table under it changes its columns (`cached plan must not change result
 * type`: another node migrated), or when the connection no longer has it (a pooler reset it). Either error
 * discards the connection when it goes back to the pool, so the next query prepares afresh on a new one;
 * the query that met it fails once, as any query on a connection that broke.
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

const NAMES_KEPT = 256;
const MAX_PARAMETERS = 32;
const STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
/** 0A000: cached plan must not change result type; 26000: prepared statement does not exist. */
const STALE_PLAN = new Set(['0A000', '26000']);

export function preparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string, parameters: number): string | undefined => {
    if (parameters > MAX_PARAMETERS || !STATEMENT.test(text)) return undefined;
    let name = names.get(text);
    if (name === undefined && names.size < NAMES_KEPT) {
      name = `sb${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  // Kysely keeps its connection object per client object: the same wrapper for the same pooled client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let stale = false;
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(sql: string | PostgresCursor<R>, parameters: ReadonlyArray<unknown> = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      // Kysely streams through a cursor only when its dialect is given one, which ours is not.
      if (typeof sql !== 'string') throw new Error('streaming queries are not supported');
      const name = nameOf(sql, parameters.length);
      const config: pg.QueryConfig = { text: sql, values: [...parameters] };
      if (name) config.name = name;
      return client.query<R & pg.QueryResultRow>(config).then(
        (r) => ({ command: r.command as PostgresQueryResult<R>['command'], rowCount: r.rowCount ?? 0, rows: r.rows }),
        (err: unknown) => {
          if (name && STALE_PLAN.has(String((err as { code?: unknown }).code))) stale = true;
          throw err;
        },
      );
    }
    return {
      query,
      release(destroy?: boolean) {
        const discard = Boolean(destroy) || stale;
        // A destroyed connection's client object is never handed out again; drop its wrapper with it.
        if (discard) wrappers.delete(client);
        client.release(discard);
      },
    };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
