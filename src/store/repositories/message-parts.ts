import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';
import { arg, compiled } from '../compiled.js';
import type { Database, MessagePartsTable, MessagesTable } from '../schema.js';
import type { Executor } from '../transactor.js';

export type MessagePartRow = MessagePartsTable;

type PartWithMessage = MessagesTable & { part_total: number };

/** The parts carriers accepted, by the carrier's id: receipt matching and multipart status, kept in the store. */
export class MessagePartsRepository {
  // Every delivery receipt looks its part up: compiled once.
  private readonly withMessage: ReturnType<typeof compiled<PartWithMessage, [string, string]>>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {
    this.withMessage = compiled<PartWithMessage, [string, string]>(db, (q) =>
      q
        .selectFrom('message_parts')
        .innerJoin('messages', 'messages.sid', 'message_parts.message_sid')
        .selectAll('messages')
        .select('message_parts.total as part_total')
        .where('message_parts.carrier', '=', arg(0))
        .where('message_parts.carrier_id', '=', arg(1)),
    );
  }

  /**
   * Records accepted parts. An SMSC that restarts may hand out an id again: the newer message wins, since
   * receipts for the older one can no longer be told apart anyway.
   */
  async insert(rows: MessagePartRow[], ex: Executor = this.db): Promise<void> {
    if (rows.length === 0) return;
    await ex
      .insertInto('message_parts')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['carrier', 'carrier_id']).doUpdateSet((eb) => ({
          message_sid: eb.ref('excluded.message_sid'),
          seq: eb.ref('excluded.seq'),
          total: eb.ref('excluded.total'),
          status: eb.ref('excluded.status'),
          error_code: eb.ref('excluded.error_code'),
          date_updated: eb.ref('excluded.date_updated'),
        })),
      )
      .execute();
  }

  async find(carrier: string, carrierId: string, ex: Executor = this.db): Promise<MessagePartRow | undefined> {
    return ex.selectFrom('message_parts').selectAll().where('carrier', '=', carrier).where('carrier_id', '=', carrierId).executeTakeFirst();
  }

  /** A part and its message in one query: what a receipt for a single-part message needs. */
  async findWithMessage(carrier: string, carrierId: string, ex: Executor = this.db): Promise<{ total: number; message: MessagesTable } | undefined> {
    const row = (await this.withMessage(ex, carrier, carrierId))[0];
    if (!row) return undefined;
    const { part_total: total, ...message } = row;
    return { total, message };
  }

  /**
   * `findWithMessage` for a batch of receipts, by carrier id. PostgreSQL reads them in one statement per 500
   * (one round trip instead of one per receipt); SQLite runs the compiled one-part read per id.
   */
  async findManyWithMessage(
    carrier: string,
    carrierIds: readonly string[],
    ex: Executor = this.db,
  ): Promise<Map<string, { total: number; message: MessagesTable }>> {
    const found = new Map<string, { total: number; message: MessagesTable }>();
    if (this.dialect !== 'postgres') {
      for (const id of carrierIds) {
        const hit = await this.findWithMessage(carrier, id, ex);
        if (hit) found.set(id, hit);
      }
      return found;
    }
    for (let i = 0; i < carrierIds.length; i += 500) {
      const rows = await ex
        .selectFrom('message_parts')
        .innerJoin('messages', 'messages.sid', 'message_parts.message_sid')
        .selectAll('messages')
        .select(['message_parts.total as part_total', 'message_parts.carrier_id as part_carrier_id'])
        .where('message_parts.carrier', '=', carrier)
        .where('message_parts.carrier_id', 'in', carrierIds.slice(i, i + 500))
        .execute();
      for (const { part_total: total, part_carrier_id: id, ...message } of rows) found.set(id, { total, message });
    }
    return found;
  }

  async forMessage(messageSid: string, ex: Executor = this.db): Promise<MessagePartRow[]> {
    return ex.selectFrom('message_parts').selectAll().where('message_sid', '=', messageSid).orderBy('seq').execute();
  }

  async update(
    carrier: string,
    carrierId: string,
    changes: { status: string; error_code: number | null; date_updated: number },
    ex: Executor = this.db,
  ): Promise<void> {
    await ex.updateTable('message_parts').set(changes).where('carrier', '=', carrier).where('carrier_id', '=', carrierId).execute();
  }

  /**
   * Serializes status work on one message across nodes (PostgreSQL row lock until commit): two receipts for
   * two parts of one message, applied at once, must not each miss the other's part. SQLite transactions
   * are serialized already.
   */
  async lockMessage(messageSid: string, ex: Executor): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await ex.selectFrom('messages').select('sid').where('sid', '=', messageSid).forUpdate().execute();
  }
}
