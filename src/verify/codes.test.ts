import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeVault, generateCode, newVerifySecret } from './codes.js';

test('codes are the asked length, digits only, and every digit turns up', () => {
  const seen = new Set<string>();
  for (const length of [4, 6, 10]) {
    for (let i = 0; i < 200; i++) {
      const code = generateCode(length);
      assert.match(code, new RegExp(`^\\d{${length}}$`));
      for (const d of code) seen.add(d);
    }
  }
  assert.equal(seen.size, 10);
});

test('the hash is keyed and bound to the verification; the seal opens only for its own verification and key', () => {
  const vault = new CodeVault(newVerifySecret());
  const other = new CodeVault(newVerifySecret());
  const sid = 'VE' + 'a'.repeat(32);
  assert.equal(vault.hash(sid, '123456'), vault.hash(sid, '123456'));
  assert.match(vault.hash(sid, '123456'), /^[0-9a-f]{64}$/);
  assert.notEqual(vault.hash(sid, '123456'), vault.hash('VE' + 'b'.repeat(32), '123456'));
  assert.notEqual(vault.hash(sid, '123456'), other.hash(sid, '123456'));
  const sealed = vault.seal(sid, '123456');
  assert.ok(!sealed.includes('123456'));
  assert.notEqual(sealed, vault.seal(sid, '123456'), 'a fresh IV per seal');
  assert.equal(vault.unseal(sid, sealed), '123456');
  assert.throws(() => vault.unseal('VE' + 'b'.repeat(32), sealed));
  assert.throws(() => other.unseal(sid, sealed));
  assert.throws(() => vault.unseal(sid, 'garbage'));
});
