import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTwiml } from '../parse-twiml.js';
import type { Dialect } from '../fault.js';
import type { Verb } from '../types.js';

/** One row of a verb's attribute table as Twilio documents it. */
export interface AttributeRow {
  name: string;
  /** The value when the attribute is absent. */
  default: unknown;
  /** Raw attribute text and the parsed value it must give. */
  valid: Array<[raw: string, parsed: unknown]>;
  /** Raw texts that must be refused with 12200. */
  invalid?: string[];
}

export interface Walk {
  dialect: Dialect;
  /** Builds a document around the element under test, given its attribute text (` loop="2"`). */
  document: (attrs: string) => string;
  /** Finds the object that carries the attributes (the verb, or a noun inside it). */
  pick: (verbs: Verb[]) => unknown;
  rows: AttributeRow[];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function field(target: unknown, name: string): unknown {
  assert.ok(typeof target === 'object' && target !== null, 'pick() found nothing');
  return (target as Record<string, unknown>)[name];
}

/** Registers one test per attribute: default when absent, each valid value, each invalid value. */
export function walkAttributes(label: string, walk: Walk): void {
  for (const row of walk.rows) {
    test(`${label} ${row.name}`, () => {
      const bare = parseTwiml(walk.document(''), { dialect: walk.dialect });
      assert.ok(bare.ok, JSON.stringify(bare));
      assert.deepEqual(field(walk.pick(bare.verbs), row.name), row.default, `${row.name} default`);
      for (const [raw, parsed] of row.valid) {
        const r = parseTwiml(walk.document(` ${row.name}="${escapeAttr(raw)}"`), { dialect: walk.dialect });
        assert.ok(r.ok, `${row.name}="${raw}" should parse: ${JSON.stringify(r)}`);
        assert.deepEqual(field(walk.pick(r.verbs), row.name), parsed, `${row.name}="${raw}"`);
        assert.equal(r.warnings.length, 0, `${row.name}="${raw}" warned: ${JSON.stringify(r.warnings)}`);
      }
      for (const raw of row.invalid ?? []) {
        const r = parseTwiml(walk.document(` ${row.name}="${escapeAttr(raw)}"`), { dialect: walk.dialect });
        assert.equal(r.ok, false, `${row.name}="${raw}" should be refused`);
        if (!r.ok) {
          assert.equal(r.alert.code, 12200, `${row.name}="${raw}"`);
          assert.match(r.alert.message, new RegExp(`\\b${row.name}=`), r.alert.message);
        }
      }
    });
  }
}

/** Parses a document that must succeed and returns its verbs. */
export function verbsOf(xml: string, dialect: Dialect = 'voice'): Verb[] {
  const r = parseTwiml(xml, { dialect });
  assert.ok(r.ok, JSON.stringify(r));
  return r.verbs;
}

/** Parses a document that must fail and returns the alert. */
export function alertOf(xml: string, dialect: Dialect = 'voice'): { code: number; message: string } {
  const r = parseTwiml(xml, { dialect });
  assert.equal(r.ok, false, `expected an alert for ${xml}`);
  return r.ok ? { code: 0, message: '' } : r.alert;
}
