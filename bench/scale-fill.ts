// The bulk fill of `npm run bench:scale` (bench/scale.ts): rows generated inside the database, CHUNK at a time.
// Apart from the bench so that a script studying query plans can make the same data without a server.
import { sql } from 'kysely';
import type { DialectName, Store } from '../src/store/db.js';

const CHUNK = 100_000;
const DAYS = 30;

/** The SQL expressions that make row `i` of a fill, per dialect. */
function dialectSql(d: DialectName) {
  const hex = (e: string, width: number) => (d === 'postgres' ? `lpad(to_hex(${e}), ${width}, '0')` : `printf('%0${width}x', ${e})`);
  const dec = (e: string, width: number) => (d === 'postgres' ? `lpad((${e})::text, ${width}, '0')` : `printf('%0${width}d', ${e})`);
  const series = (lo: number, hi: number) =>
    d === 'postgres'
      ? `(select g as i from generate_series(${lo}::bigint, ${hi - 1}) g) s`
      : `(with recursive s(i) as (select ${lo} union all select i + 1 from s where i < ${hi - 1}) select i from s) s`;
  // An ordered SID as newOrderedSid makes them: 12 hex of milliseconds, 4 of counter, then 16 unique hex.
  const sidOf = (prefix: string, t: string, i: string) => `'${prefix}' || ${hex(t, 12)} || ${hex(`${i} % 65536`, 4)} || ${hex(i, 16)}`;
  return { hex, dec, series, sidOf, div: (a: string, b: number) => (d === 'postgres' ? `(${a}) / ${b}` : `(${a}) / ${b}`) };
}

export interface FillOptions {
  readonly accountSid: string;
  /** The account's bought number: one of the ten senders. */
  readonly from: string;
  readonly messages: number;
  readonly webhooks: number;
  readonly calls: number;
  /** The end of the 30 days filled (default: now); a script that studies plans moves it to vary the data. */
  readonly now?: number;
}

/**
 * Fills the store with 30 days of one account's traffic, then runs ANALYZE; returns how long it took and a
 * message from the middle of the fill.
 */
export async function fill(store: Store, opts: FillOptions): Promise<{ seconds: number; sampleMessage: string; sampleTo: string }> {
  const { accountSid: sid, from, messages: MESSAGES, webhooks: WEBHOOKS, calls: CALLS } = opts;
  const d = dialectSql(store.dialect);
  const t0 = (opts.now ?? Date.now()) - DAYS * 86_400_000;
  const step = Math.max(1, Math.floor((DAYS * 86_400_000 - 3_600_000) / MESSAGES));
  const msgTime = (i: string) => `(${t0} + (${i}) * ${step})`;
  const msgSid = (i: string) => d.sidOf('SM', msgTime(i), i);
  const toOf = (i: string) => `'+1415' || ${d.dec(`((${i}) * 7919) % 10000`, 7)}`;
  // Ten senders, the bought number one of them.
  const fromOf = (i: string) => `case when (${i}) % 10 = 0 then '${from}' else '+1800555' || ${d.dec(`(${i}) % 10`, 4)} end`;
  const started = performance.now();
  const run = async (what: string, total: number, statement: (lo: number, hi: number) => string) => {
    for (let lo = 0; lo < total; lo += CHUNK) {
      const hi = Math.min(total, lo + CHUNK);
      await sql.raw(statement(lo, hi)).execute(store.db);
      process.stdout.write(`\r  fill ${what}: ${hi.toLocaleString('en')} / ${total.toLocaleString('en')}`);
    }
    process.stdout.write('\n');
  };
  await run(
    'messages',
    MESSAGES,
    (lo, hi) => `insert into messages (sid, account_sid, messaging_service_sid, direction, from_number, to_number, body, status, num_segments,
      num_media, encoding, error_code, error_message, status_callback, application_sid, validity_period, send_at, carrier, carrier_ids,
      media_urls, run_at, locked_by, locked_until, attempts, date_created, date_updated, date_sent)
    select ${msgSid('i')}, '${sid}', null, 'outbound-api', ${fromOf('i')}, ${toOf('i')}, 'Bench message number ' || i, 'delivered', 1,
      0, 'GSM-7', null, null, 'http://127.0.0.1:9/status', null, null, null, 'simulator', null,
      null, null, null, null, 1, ${msgTime('i')}, ${msgTime('i')} + 40, ${msgTime('i')} + 20
    from ${d.series(lo, hi)}`,
  );
  // Three records per message (sent, delivered, and one more), one in a hundred failed with an alert.
  const whMsg = (j: string) => `((${j}) / 3) % ${MESSAGES}`;
  const whTime = (j: string) => `(${msgTime(whMsg(j))} + ((${j}) % 3) * 100)`;
  await run(
    'webhook records',
    WEBHOOKS,
    (lo, hi) => `insert into webhook_requests (sid, account_sid, resource_sid, purpose, method, url, request_headers, request_body,
      response_status, response_headers, response_body, latency_ms, error_code, error_message, attempt, date_created)
    select ${d.sidOf('WR', whTime('i'), 'i')}, '${sid}', ${msgSid(whMsg('i'))}, 'sms-status', 'POST', 'http://127.0.0.1:9/status',
      '{"User-Agent":"TwilioProxy/1.1","X-Twilio-Signature":"abcdef…","I-Twilio-Idempotency-Token":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","Accept":"*/*","Content-Type":"application/x-www-form-urlencoded; charset=utf-8"}',
      'AccountSid=${sid}&ApiVersion=2010-04-01&From=%2B18005550001&MessageSid=' || ${msgSid(whMsg('i'))} || '&MessageStatus=delivered&SmsSid=' || ${msgSid(whMsg('i'))} || '&SmsStatus=delivered&To=%2B14155550100',
      case when i % 100 = 0 then 500 else 200 end, '{"content-type":"text/plain"}', '', 3,
      case when i % 100 = 0 then 11200 else null end, case when i % 100 = 0 then 'HTTP 500' else null end, 1, ${whTime('i')}
    from ${d.series(lo, hi)}`,
  );
  await run(
    'alerts',
    Math.floor(WEBHOOKS / 100),
    (lo, hi) => `insert into alerts (sid, account_sid, resource_sid, error_code, log_level, alert_text, request_url, request_method,
      webhook_request_sid, date_created)
    select ${d.sidOf('NO', whTime('i * 100'), 'i')}, '${sid}', ${msgSid(whMsg('i * 100'))}, 11200, 'error', 'HTTP retrieval failure: HTTP 500',
      'http://127.0.0.1:9/status', 'POST', ${d.sidOf('WR', whTime('i * 100'), 'i * 100')}, ${whTime('i * 100')}
    from ${d.series(lo, hi)}`,
  );
  const callTime = (i: string) => `(${t0} + (${i}) * ${Math.floor((DAYS * 86_400_000 - 3_600_000) / Math.max(1, CALLS))})`;
  await run(
    'calls',
    CALLS,
    (lo, hi) => `insert into calls (sid, account_sid, parent_call_sid, direction, from_number, to_number, phone_number_sid, status, endpoint,
      start_time, end_time, duration, forwarded_from, caller_name, url, method, fallback_url, fallback_method, twiml, application_sid,
      status_callback, status_callback_method, status_callback_events, callback_seq, timeout, time_limit, send_digits, record, node_id,
      lease_until, date_created, date_updated)
    select ${d.sidOf('CA', callTime('i'), 'i')}, '${sid}', null, 'outbound-api', '${from}', ${toOf('i')}, null, 'completed', 'virtual',
      ${callTime('i')} + 1000, ${callTime('i')} + 61000, 60, null, null, 'http://127.0.0.1:9/voice', 'POST', null, 'POST', null, null,
      null, 'POST', '["completed"]', 0, 60, 14400, null, 0, null, null, ${callTime('i')}, ${callTime('i')} + 61000
    from ${d.series(lo, hi)}`,
  );
  await sql`analyze`.execute(store.db);
  const sample = (
    await sql<{
      sid: string;
      to_number: string;
    }>`select sid, to_number from messages where sid = (${sql.raw(msgSid(String(Math.floor(MESSAGES / 2))))})`.execute(store.db)
  ).rows[0]!;
  return { seconds: (performance.now() - started) / 1000, sampleMessage: sample.sid, sampleTo: sample.to_number };
}
