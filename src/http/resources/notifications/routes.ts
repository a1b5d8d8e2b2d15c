import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { MonitorFilter } from '../../../store/repositories/monitor.js';
import type { MonitorService } from '../../../webhooks/monitor.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { LEVEL_OF, presentNotification } from './presenter.js';

const DAY = 86_400_000;

/** Log, MessageDate, MessageDate< and MessageDate> (both bounds inclusive, whole days). */
function readFilter(p: ParamReader): MonitorFilter {
  const log = p.oneOf('Log', ['0', '1'] as const);
  const filter: MonitorFilter = { logLevel: log === undefined ? undefined : LEVEL_OF[log] };
  const on = p.date('MessageDate');
  if (on !== undefined) {
    filter.from = on;
    filter.to = on + DAY;
  }
  const after = p.date('MessageDate>');
  if (after !== undefined) filter.from = Math.max(filter.from ?? after, after);
  const before = p.date('MessageDate<');
  if (before !== undefined) filter.to = Math.min(filter.to ?? before + DAY, before + DAY);
  return filter;
}

/**
 * Notifications (2010, deprecated by Twilio in favour of Monitor Alerts but still called): the same alert log,
 * per account and per call.
 */
export function notificationRoutes(app: FastifyInstance, accounts: AccountsService, monitor: MonitorService): void {
  const list = (viaCall: boolean) => async (req: FastifyRequest) => {
    const account = await targetAccount(req, accounts);
    const { CallSid } = req.params as { CallSid?: string };
    const params = paramsOf(req);
    const page = readPageParams(params);
    const filter = { ...readFilter(new ParamReader(params)), resourceSid: CallSid };
    const result = await monitor.listAlerts(account.sid, filter, page);
    const base = `/2010-04-01/Accounts/${account.sid}${CallSid ? `/Calls/${CallSid}` : ''}/Notifications.json`;
    return envelope2010('notifications', base, params, page, result, presentNotification(viaCall));
  };
  const fetch = (viaCall: boolean) => async (req: FastifyRequest) => {
    const account = await targetAccount(req, accounts);
    const { CallSid, Sid } = req.params as { CallSid?: string; Sid: string };
    req.resourceSid = Sid;
    if (!/^NO[0-9a-f]{32}$/.test(Sid)) throw errors.notFound('Notification', Sid);
    return presentNotification(viaCall)(await monitor.findAlert(account.sid, Sid, CallSid));
  };

  app.get('/2010-04-01/Accounts/:AccountSid/Notifications', list(false));
  app.get('/2010-04-01/Accounts/:AccountSid/Notifications/:Sid', fetch(false));
  app.get('/2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Notifications', list(true));
  app.get('/2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Notifications/:Sid', fetch(true));
}
