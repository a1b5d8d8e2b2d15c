import { migrate, openStore, type Store } from '../db.js';
import { cachingStack, lookupContract, plainStack } from '../test-support/lookup-contract.js';
import { LookupCache } from './lookup-cache.js';

async function sqlite(): Promise<Store> {
  const store = openStore(':memory:');
  await migrate(store);
  return store;
}

lookupContract('SQLite, plain repositories', async () => {
  const store = await sqlite();
  const stack = plainStack(store);
  return { writer: stack, reader: stack, promptMs: 0, close: () => store.close() };
});

lookupContract('SQLite, caching repositories', async () => {
  const store = await sqlite();
  const stack = cachingStack(store, new LookupCache());
  return { writer: stack, reader: stack, promptMs: 0, close: () => store.close() };
});
