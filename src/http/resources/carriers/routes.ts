import type { FastifyInstance, FastifyRequest } from 'fastify';
import { iso8601 } from '../../../core/dates.js';
import { errors } from '../../../core/errors.js';
import { CarrierConfigError } from '../../../messaging/carriers/config.js';
import type { CarrierManager, ManagedCarrier } from '../../../messaging/carriers/manager.js';
import { principalOf } from '../../context.js';
import { paramsOf } from '../../server.js';

function present(origin: string) {
  return (m: ManagedCarrier) => {
    const c = m.config;
    const counters = m.carrier.counters?.();
    return {
      name: c.name,
      type: 'smpp',
      source: m.source,
      host: c.host,
      port: c.port,
      tls: c.tls,
      system_id: c.systemId,
      system_type: c.systemType,
      bind_mode: c.bindMode,
      window: c.window,
      throughput_limit: c.throughput,
      priority: c.priority,
      routes: { prefixes: c.routes.prefixes, senders: c.routes.senders },
      concatenation: c.concatenation,
      registered_delivery: c.registeredDelivery,
      health: m.carrier.health(),
      counters: counters
        ? {
            submitted: counters.submitted,
            failed: counters.failed,
            retried: counters.retried,
            parts_submitted: counters.partsSubmitted,
            throttled: counters.throttled,
            receipts: counters.receipts,
            inbound: counters.inbound,
            parts_per_second: counters.partsPerSecond,
          }
        : null,
      date_created: iso8601(m.dateCreated),
      url: `${origin}/switchboard/v1/Carriers/${encodeURIComponent(c.name)}`,
    };
  };
}

/** Form fields are Twilio-style PascalCase (`SystemId`, repeated `Prefixes`); JSON bodies may use the file's camelCase. */
function configFromParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const routes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const k = key.charAt(0).toLowerCase() + key.slice(1);
    if (k === 'prefixes' || k === 'senders') routes[k] = value;
    else out[k] = value;
  }
  if (Object.keys(routes).length > 0) out.routes = { ...(out.routes as Record<string, unknown> | undefined), ...routes };
  return out;
}

/**
 * Switchboard's own API for the operator's carriers. Carriers carry every account's traffic, so only the
 * root account sees them: to anyone else the resource does not exist (404, as for another account's SID).
 */
export function carrierRoutes(app: FastifyInstance, carriers: CarrierManager, rootSid: string, origin: () => string): void {
  const root = (req: FastifyRequest, write: boolean) => {
    const principal = principalOf(req);
    if (principal.accountSid !== rootSid) throw errors.notFound('Carriers');
    if (write && !principal.canManageAccounts) throw errors.forbidden('Standard API keys cannot manage carriers');
  };
  const find = (req: FastifyRequest) => {
    const { Name } = req.params as { Name: string };
    const m = carriers.get(Name);
    if (!m) throw errors.notFound('Carrier', Name);
    return m;
  };

  app.get('/switchboard/v1/Carriers', async (req) => {
    root(req, false);
    return { carriers: carriers.list().map(present(origin())) };
  });

  app.post('/switchboard/v1/Carriers', async (req, reply) => {
    root(req, true);
    let created: ManagedCarrier;
    try {
      created = await carriers.create(configFromParams(paramsOf(req)));
    } catch (err) {
      if (err instanceof CarrierConfigError) throw errors.invalidParameter('carrier', err.message.replace(/^carrier: /, ''));
      throw err;
    }
    req.resourceSid = created.config.name;
    return reply.code(201).send(present(origin())(created));
  });

  app.get('/switchboard/v1/Carriers/:Name', async (req) => {
    root(req, false);
    return present(origin())(find(req));
  });

  app.delete('/switchboard/v1/Carriers/:Name', async (req, reply) => {
    root(req, true);
    const { Name } = req.params as { Name: string };
    const outcome = await carriers.remove(Name);
    if (outcome === 'missing') throw errors.notFound('Carrier', Name);
    if (outcome === 'file') throw errors.forbidden(`Carrier ${Name} comes from the carriers file: change the file and restart`);
    return reply.code(204).send();
  });
}
