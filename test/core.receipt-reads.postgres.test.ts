import { describe } from 'node:test';
import { migrate, openStore } from '../src/store/db.js';
import { receiptReadsContract } from '../src/store/test-support/receipt-reads-contract.js';
import { admin, databaseUrl } from './support/postgres.js';

const NAME = `sb_receipts_${process.pid}`;

describe('receipt batch reads and writes on PostgreSQL', () => {
  receiptReadsContract(async () => {
    await admin(`DROP DATABASE IF EXISTS ${NAME}`);
    await admin(`CREATE DATABASE ${NAME}`);
    const store = openStore(databaseUrl(NAME));
    await migrate(store);
    return {
      ...store,
      close: async () => {
        await store.close();
        await admin(`DROP DATABASE IF EXISTS ${NAME}`);
      },
    };
  });
});
