import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geoParams } from './geo.js';

test('each role gets City, State, Zip (empty) and Country (from the number; empty for a SIP URI)', () => {
  assert.deepEqual(geoParams({ From: '+447700900123', To: '+14155550100', Caller: 'sip:alice@example.com' }), {
    FromCity: '',
    FromState: '',
    FromZip: '',
    FromCountry: 'GB',
    ToCity: '',
    ToState: '',
    ToZip: '',
    ToCountry: 'US',
    CallerCity: '',
    CallerState: '',
    CallerZip: '',
    CallerCountry: '',
  });
});
