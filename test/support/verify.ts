import assert from 'node:assert/strict';
import type { Clock } from '../../src/core/clock.js';
import { eventually } from './app.js';
import type { TestServer } from './harness.js';

/** A clock tests move forward by hand, so expiry is tested without waiting ten minutes. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

interface InboxMessage {
  direction: string;
  body: string;
  peer: string;
}

export async function inbox(s: TestServer, phone: string): Promise<InboxMessage[]> {
  const res = await s.fetch(`/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}/Messages?PageSize=100`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { messages: InboxMessage[] }).messages;
}

/** Waits until the phone holds `count` Verify SMS from `name`; returns their codes, newest first. */
export async function codesIn(s: TestServer, phone: string, name: string, count = 1): Promise<string[]> {
  const re = new RegExp(`^Your ${name} verification code is: (\\w+)$`);
  return eventually(async () => {
    const codes = (await inbox(s, phone)).map((m) => re.exec(m.body)?.[1]).filter((c): c is string => c !== undefined);
    return codes.length >= count ? codes : undefined;
  });
}

/** A code that is surely wrong: the right one with its last digit changed. */
export function wrong(code: string): string {
  return code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
}

/** Matches a twilio-node RestException (or a raw error body) by Twilio code and HTTP status. */
export const twilioError = (code: number, status: number) => (e: unknown) => {
  const err = e as { code?: number; status?: number };
  assert.deepEqual([err.code, err.status], [code, status]);
  return true;
};

/** Form POST with the root credentials; returns status and parsed JSON body. */
export async function post(s: TestServer, path: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await s.fetch(path, { method: 'POST', form });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function get(s: TestServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await s.fetch(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
