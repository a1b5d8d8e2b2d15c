/**
 * PostgreSQL for the tests that run several Switchboard nodes on one database of their own: the admin
 * connection (SWITCHBOARD_TEST_PG_URL, default the local `test` database) and a named scratch database.
 */
import pg from 'pg';

export const PG_ADMIN = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of database `name` on the admin connection's server. */
export function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on the admin connection (CREATE/DROP DATABASE). */
export async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}
