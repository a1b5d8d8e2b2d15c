import type { FastifyInstance } from 'fastify';
import { errors } from '../../../core/errors.js';
import type { MonitorService } from '../../../webhooks/monitor.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentEvent, presentMonitorAlert, requestSidOf } from './presenter.js';
import { readRange } from './range.js';

const LOG_LEVELS = ['error', 'warning', 'notice', 'debug'] as const;

/**
 * Monitor v1 (`/monitor/v1/Alerts`, `/monitor/v1/Events`): the debugger's view of the alert log and the
 * webhook log, scoped to the account whose credentials call (Monitor has no account in its paths).
 */
export function monitorRoutes(app: FastifyInstance, monitor: MonitorService, origin: () => string): void {
  app.get('/monitor/v1/Alerts', async (req) => {
    const accountSid = principalOf(req).accountSid;
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter = { logLevel: p.oneOf('LogLevel', LOG_LEVELS), ...readRange(p, 'StartDate', 'EndDate') };
    const result = await monitor.listAlerts(accountSid, filter, page);
    return envelopeV1('alerts', origin(), '/monitor/v1/Alerts', params, page, result, presentMonitorAlert(origin()));
  });

  app.get('/monitor/v1/Alerts/:Sid', async (req) => {
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    return presentMonitorAlert(origin())(await monitor.findAlert(principalOf(req).accountSid, Sid));
  });

  app.get('/monitor/v1/Events', async (req) => {
    const accountSid = principalOf(req).accountSid;
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const eventType = p.str('EventType');
    const filter = { resourceSid: p.str('ResourceSid'), ...readRange(p, 'StartDate', 'EndDate') };
    // No event has an actor or a source IP (Switchboard made every request), and each type is webhook.<purpose>.
    const none = p.str('ActorSid') !== undefined || p.str('SourceIpAddress') !== undefined || (eventType !== undefined && !eventType.startsWith('webhook.'));
    const result = none
      ? { items: [], hasNext: false, hasPrev: false }
      : await monitor.listRequests(accountSid, { ...filter, purpose: eventType?.slice('webhook.'.length) }, page);
    return envelopeV1('events', origin(), '/monitor/v1/Events', params, page, result, presentEvent(origin()));
  });

  app.get('/monitor/v1/Events/:Sid', async (req) => {
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    const requestSid = requestSidOf(Sid);
    if (!requestSid) throw errors.notFound('Event', Sid);
    return presentEvent(origin())(await monitor.findRequest(principalOf(req).accountSid, requestSid));
  });
}
