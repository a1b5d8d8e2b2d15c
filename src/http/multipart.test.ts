import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMultipart } from './multipart.js';

const BOUNDARY = '----switchboard-test';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
function body(parts: { name: string; value: string; filename?: string }[]): Buffer {
  const lines = parts.map((p) =>
    [
      `--${BOUNDARY}`,
      `Content-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`,
      ...(p.filename ? ['Content-Type: application/octet-stream'] : []),
      '',
      p.value,
    ].join('\r\n'),
  );
  return Buffer.from(`${lines.join('\r\n')}\r\n--${BOUNDARY}--\r\n`);
}

test('fields become parameters, repeated names an array, UTF-8 kept', async () => {
  const params = await parseMultipart(
    body([
      { name: 'To', value: '+14155550100' },
      { name: 'Body', value: 'héllo ✓' },
      { name: 'MediaUrl', value: 'https://a.example/1.png' },
      { name: 'MediaUrl', value: 'https://a.example/2.png' },
    ]),
    TYPE,
  );
  assert.deepEqual({ ...params }, { To: '+14155550100', Body: 'héllo ✓', MediaUrl: ['https://a.example/1.png', 'https://a.example/2.png'] });
});

test('__proto__ and constructor are plain parameters', async () => {
  const params = await parseMultipart(
    body([
      { name: '__proto__', value: 'x' },
      { name: 'constructor', value: 'y' },
    ]),
    TYPE,
  );
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(params, '__proto__')?.value, 'x');
  assert.equal(params.constructor, 'y');
});

test('a file part, a missing boundary and garbage are a malformed body (20400)', async () => {
  await assert.rejects(
    parseMultipart(
      body([
        { name: 'Body', value: 'x' },
        { name: 'f', value: 'data', filename: 'a.bin' },
      ]),
      TYPE,
    ),
    { code: 20400 },
  );
  await assert.rejects(parseMultipart(body([{ name: 'Body', value: 'x' }]), 'multipart/form-data'), { code: 20400 });
  await assert.rejects(parseMultipart(Buffer.from('not multipart at all'), TYPE), { code: 20400 });
});
