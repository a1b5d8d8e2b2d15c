// Virtual phones as the tests drive them: set a phone's behaviour for its next calls, read the calls it saw
// and what it heard (the `heard` event: dominant frequencies, level, digits), and test for a tone.
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';

export interface Heard {
  type: string;
  by?: string;
  text?: string;
  frequencies?: Array<{ hz: number; share: number }>;
  digits?: string;
  seconds?: number;
  level_dbfs?: number;
}

export interface PhoneCall {
  call_sid: string;
  status: string;
  events: Heard[];
}

const base = (phone: string) => `/switchboard/v1/VirtualPhones/${encodeURIComponent(phone)}`;

/** POST .../CallBehavior: how the phone answers and what it plays and presses. */
export async function behave(s: TestServer, phone: string, form: Record<string, string | string[]>): Promise<void> {
  const res = await s.fetch(`${base(phone)}/CallBehavior`, { method: 'POST', form });
  assert.equal(res.status, 200, await res.text());
}

/** The calls the phone took part in, each with its events. */
export async function phoneCalls(s: TestServer, phone: string): Promise<PhoneCall[]> {
  const res = await s.fetch(`${base(phone)}/Calls`);
  return ((await res.json()) as { calls: PhoneCall[] }).calls;
}

/** Whether a `heard` report has `hz` among its dominant frequencies (within 15 Hz). */
export const hears = (h: Heard | undefined, hz: number): boolean => (h?.frequencies ?? []).some((f) => Math.abs(f.hz - hz) < 15);
