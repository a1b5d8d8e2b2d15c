import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { MessagesService } from '../../../messaging/service.js';
import type { MessageFilter } from '../../../store/repositories/messages.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { requireMediaCredentials } from '../../media-auth.js';
import { presentMedia, pricedMessage } from './presenter.js';
import { NO_PRICING, type Pricing } from '../../../usage/pricing.js';

const DAY = 86_400_000;

/** `mediaAuth`: /media/ME... needs the owning account's credentials (see media-auth.ts); `pricing` fills `price`. */
export function messageRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  messages: MessagesService,
  opts: { mediaAuth?: boolean; pricing?: Pricing } = {},
): void {
  const presentMessage = pricedMessage(opts.pricing ?? NO_PRICING);
  const base = '/2010-04-01/Accounts/:AccountSid/Messages';

  app.post(base, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    if (account.status !== 'active') throw errors.accountNotActive();
    const p = new ParamReader(paramsOf(req));
    const row = await messages.create(account.sid, {
      to: p.str('To'),
      from: p.str('From'),
      messagingServiceSid: p.str('MessagingServiceSid'),
      body: p.str('Body'),
      mediaUrls: p.all('MediaUrl'),
      statusCallback: p.url('StatusCallback'),
      applicationSid: p.str('ApplicationSid'),
      validityPeriod: p.int('ValidityPeriod', { min: 1, max: 36000 }),
      scheduleType: p.str('ScheduleType'),
      sendAt: p.date('SendAt'),
      smartEncoded: p.bool('SmartEncoded'),
    });
    req.resourceSid = row.sid;
    return reply.code(201).send(presentMessage(row));
  });

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter: MessageFilter = { to: p.str('To'), from: p.str('From') };
    const on = p.date('DateSent');
    if (on !== undefined) filter.dateSentOn = [on, on + DAY];
    filter.dateSentBefore = p.date('DateSent<');
    filter.dateSentAfter = p.date('DateSent>');
    const result = await messages.list(account.sid, filter, page);
    return envelope2010('messages', `/2010-04-01/Accounts/${account.sid}/Messages.json`, params, page, result, presentMessage);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentMessage(await messages.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    return presentMessage(await messages.update(account.sid, Sid, { body: p.str('Body'), status: p.str('Status') }));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await messages.delete(account.sid, Sid);
    return reply.code(204).send();
  });

  app.get(`${base}/:MessageSid/Media`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { MessageSid } = req.params as { MessageSid: string };
    await messages.find(account.sid, MessageSid);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await messages.listMedia(account.sid, MessageSid, page);
    return envelope2010('media_list', `/2010-04-01/Accounts/${account.sid}/Messages/${MessageSid}/Media.json`, params, page, result, presentMedia);
  });

  app.get(`${base}/:MessageSid/Media/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { MessageSid, Sid } = req.params as { MessageSid: string; Sid: string };
    const media = await messages.findMedia(account.sid, MessageSid, Sid);
    // The Media URI without `.json` is the file itself, as at Twilio (the .json suffix is gone by routing time).
    if (!req.originalUrl.split('?')[0]!.endsWith('.json')) {
      const content = await messages.mediaContent(Sid);
      if (!content) throw errors.notFound('Media', Sid);
      return reply.header('content-type', content.content_type).send(content.data);
    }
    return presentMedia(media);
  });

  app.delete(`${base}/:MessageSid/Media/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { MessageSid, Sid } = req.params as { MessageSid: string; Sid: string };
    await messages.deleteMedia(account.sid, MessageSid, Sid);
    return reply.code(204).send();
  });

  // Media content, at an unguessable URL (the ME SID), as webhooks and carriers fetch it without credentials
  // unless --media-auth asks for the owner's. Credentials are checked before existence, so 401 tells nothing.
  app.get('/media/:Sid', async (req, reply) => {
    const { Sid } = req.params as { Sid: string };
    const content = await messages.mediaContent(Sid);
    if (opts.mediaAuth) await requireMediaCredentials(req, reply, accounts, content?.account_sid ?? '');
    if (!content) throw errors.notFound('Media', Sid);
    return reply.header('content-type', content.content_type).header('cache-control', 'private, max-age=3600').send(content.data);
  });
}
