import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import { MAX_MAX_SIZE, type QueuesService } from '../../../voice/queues/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentMember, presentQueue } from './presenter.js';

/** Queues (create, list, fetch, update, delete) and their Members (list, fetch by CallSid or Front, dequeue). */
export function queueRoutes(app: FastifyInstance, accounts: AccountsService, queues: QueuesService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Queues';
  const sizes = { min: 1, max: MAX_MAX_SIZE };

  app.post(base, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const p = new ParamReader(paramsOf(req));
    const view = await queues.create(account.sid, { friendlyName: p.str('FriendlyName'), maxSize: p.int('MaxSize', sizes) });
    req.resourceSid = view.sid;
    return reply.code(201).send(presentQueue(view));
  });

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await queues.list(account.sid, page);
    return envelope2010('queues', `/2010-04-01/Accounts/${account.sid}/Queues.json`, params, page, result, presentQueue);
  });

  app.get(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentQueue(await queues.find(account.sid, Sid));
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    return presentQueue(await queues.update(account.sid, Sid, { friendlyName: p.str('FriendlyName'), maxSize: p.int('MaxSize', sizes) }));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await queues.delete(account.sid, Sid);
    return reply.code(204).send();
  });

  app.get(`${base}/:QueueSid/Members`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { QueueSid } = req.params as { QueueSid: string };
    req.resourceSid = QueueSid;
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await queues.members(account.sid, QueueSid, page);
    return envelope2010('queue_members', `/2010-04-01/Accounts/${account.sid}/Queues/${QueueSid}/Members.json`, params, page, result, presentMember);
  });

  app.get(`${base}/:QueueSid/Members/:CallSid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { QueueSid, CallSid } = req.params as { QueueSid: string; CallSid: string };
    req.resourceSid = QueueSid;
    return presentMember(await queues.findMember(account.sid, QueueSid, CallSid));
  });

  /** Dequeues the member: its call leaves the queue and runs the TwiML at Url. */
  app.post(`${base}/:QueueSid/Members/:CallSid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { QueueSid, CallSid } = req.params as { QueueSid: string; CallSid: string };
    req.resourceSid = QueueSid;
    const p = new ParamReader(paramsOf(req));
    const url = p.url('Url');
    if (!url) throw errors.missingParameter('Url');
    return presentMember(await queues.dequeue(account.sid, QueueSid, CallSid, { url, method: p.method('Method') ?? 'POST' }));
  });
}
