import { describe } from 'node:test';
import { migrate, openStore } from '../db.js';
import { receiptReadsContract } from '../test-support/receipt-reads-contract.js';

describe('receipt batch reads and writes on SQLite', () => {
  receiptReadsContract(async () => {
    const store = openStore(':memory:');
    await migrate(store);
    return store;
  });
});
