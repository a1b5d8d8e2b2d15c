import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import { normalizeNumber } from '../core/phone/e164.js';
import { newSid } from '../core/sid.js';
import type { Page, PageQuery } from '../store/paging.js';
import type { MessagesRepository, VirtualPhoneMessageRow } from '../store/repositories/messages.js';
import type { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import type { OutboundSms } from './carriers/types.js';
import type { VirtualPhoneInbox } from './carriers/simulator.js';
import type { InternalDelivery } from './inbound.js';

/**
 * Virtual phones: every number no account owns. They receive what the simulator carrier delivers, and a
 * developer (or a test) can make one text any of their numbers.
 */
export class VirtualPhones implements VirtualPhoneInbox {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly numbers: Pick<PhoneNumbersRepository, 'findByNumber'>,
    private readonly inbound: InternalDelivery,
    private readonly clock: Clock,
  ) {}

  async receive(batch: readonly OutboundSms[]): Promise<void> {
    const now = this.clock.now();
    await this.messages.insertVirtualMany(
      batch.map((m) => ({
        sid: newSid('VP'),
        account_sid: m.accountSid,
        phone: m.to,
        peer: m.from,
        direction: 'received',
        body: m.body,
        media: JSON.stringify(m.media),
        message_sid: m.sid,
        date_created: now,
      })),
    );
  }

  overdueReports(carrier: string, sentBefore: number): Promise<string[]> {
    return this.messages.sentWithoutReport(carrier, sentBefore);
  }

  async send(accountSid: string, input: { from: string; to: string; body: string; mediaUrls: string[] }): Promise<VirtualPhoneMessageRow> {
    const from = normalizeNumber(input.from);
    if (!from) throw errors.invalidFrom(input.from);
    const to = normalizeNumber(input.to);
    if (!to) throw errors.invalidTo(input.to);
    if (await this.numbers.findByNumber(from)) throw errors.invalidParameter('From', 'is a number an account owns, not a virtual phone');
    const owner = await this.numbers.findByNumber(to);
    if (!owner || owner.account_sid !== accountSid) throw errors.invalidParameter('To', 'must be one of your phone numbers');
    if (input.body === '' && input.mediaUrls.length === 0) throw errors.bodyRequired();
    const message = await this.inbound.receive({ from, to, body: input.body, media: input.mediaUrls.map((url) => ({ url, contentType: '' })) });
    const row: VirtualPhoneMessageRow = {
      sid: newSid('VP'),
      account_sid: accountSid,
      phone: from,
      peer: to,
      direction: 'sent',
      body: input.body,
      media: JSON.stringify(input.mediaUrls),
      message_sid: message!.sid,
      date_created: this.clock.now(),
    };
    await this.messages.insertVirtual(row);
    return row;
  }

  conversation(accountSid: string, phone: string, page: PageQuery): Promise<Page<VirtualPhoneMessageRow>> {
    const normalized = normalizeNumber(phone);
    if (!normalized) throw errors.invalidParameter('PhoneNumber', 'is not a phone number');
    return this.messages.listVirtual(accountSid, normalized, page);
  }

  phones(accountSid: string) {
    return this.messages.listVirtualPhones(accountSid);
  }
}
