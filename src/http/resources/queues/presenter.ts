import { rfc2822 } from '../../../core/dates.js';
import type { MemberView, QueueView } from '../../../voice/queues/service.js';

/** Twilio's Queue JSON (field order as its examples give it). */
export function presentQueue(v: QueueView) {
  const r = v.row;
  return {
    date_updated: rfc2822(r.date_updated),
    current_size: v.size,
    friendly_name: r.friendly_name,
    uri: `/2010-04-01/Accounts/${r.account_sid}/Queues/${r.sid}.json`,
    account_sid: r.account_sid,
    average_wait_time: v.averageWait,
    sid: r.sid,
    date_created: rfc2822(r.date_created),
    max_size: r.max_size,
  };
}

export function presentMember(v: MemberView) {
  const r = v.row;
  return {
    queue_sid: r.queue_sid,
    call_sid: r.call_sid,
    date_enqueued: rfc2822(r.date_created),
    position: v.position,
    uri: `/2010-04-01/Accounts/${r.account_sid}/Queues/${r.queue_sid}/Members/${r.call_sid}.json`,
    wait_time: v.waitTime,
  };
}
