import type { Kysely } from 'kysely';
import type { CarriersTable, Database } from '../schema.js';

export type CarrierRow = CarriersTable;

/** Carriers created through the API; the carriers file is never copied here. */
export class CarriersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<CarrierRow[]> {
    return this.db.selectFrom('carriers').selectAll().orderBy('date_created').execute();
  }

  /** False when a carrier of that name is already stored. */
  async insert(row: CarrierRow): Promise<boolean> {
    const r = await this.db
      .insertInto('carriers')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async delete(name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('carriers').where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
