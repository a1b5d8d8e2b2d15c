import type { FastifyInstance } from 'fastify';
import { iso8601 } from '../../../core/dates.js';
import type { VirtualPhones } from '../../../messaging/virtual-phones.js';
import type { VirtualPhoneMessageRow } from '../../../store/repositories/messages.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

function present(row: VirtualPhoneMessageRow) {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    phone_number: row.phone,
    peer: row.peer,
    direction: row.direction,
    body: row.body,
    media: JSON.parse(row.media) as unknown,
    message_sid: row.message_sid,
    date_created: iso8601(row.date_created),
  };
}

/**
 * Switchboard's own API for virtual phones: what a phone received from your numbers, and texting your
 * numbers as that phone (an inbound message to your app).
 */
export function virtualPhoneRoutes(app: FastifyInstance, phones: VirtualPhones, origin: () => string): void {
  app.get('/switchboard/v1/VirtualPhones', async (req) => {
    const list = await phones.phones(principalOf(req).accountSid);
    return { virtual_phones: list.map((p) => ({ phone_number: p.phone, messages: p.count, last_activity: iso8601(p.last) })) };
  });

  app.get('/switchboard/v1/VirtualPhones/:PhoneNumber/Messages', async (req) => {
    const { PhoneNumber } = req.params as { PhoneNumber: string };
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await phones.conversation(principalOf(req).accountSid, PhoneNumber, page);
    return envelopeV1('messages', origin(), `/switchboard/v1/VirtualPhones/${encodeURIComponent(PhoneNumber)}/Messages`, params, page, result, present);
  });

  app.post('/switchboard/v1/VirtualPhones/:PhoneNumber/Messages', async (req, reply) => {
    const { PhoneNumber } = req.params as { PhoneNumber: string };
    const p = new ParamReader(paramsOf(req));
    const row = await phones.send(principalOf(req).accountSid, {
      from: PhoneNumber,
      to: p.required('To'),
      body: p.str('Body') ?? '',
      mediaUrls: p.all('MediaUrl'),
    });
    return reply.code(201).send(present(row));
  });
}
