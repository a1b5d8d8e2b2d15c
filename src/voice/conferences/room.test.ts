import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBeepOnExit } from './room.js';

test('BeepOnExit changes the leave beep only: the join beep stays as it was', () => {
  assert.equal(withBeepOnExit('true', false), 'onEnter');
  assert.equal(withBeepOnExit('onEnter', true), 'true');
  assert.equal(withBeepOnExit('onEnter', false), 'onEnter');
  assert.equal(withBeepOnExit('false', true), 'onExit');
  assert.equal(withBeepOnExit('onExit', false), 'false');
  assert.equal(withBeepOnExit('true', true), 'true');
});
