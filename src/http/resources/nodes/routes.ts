import type { FastifyInstance } from 'fastify';
import { CONTROL_PATH, FROM_HEADER, SIGNATURE_HEADER, type NodeControl } from '../../../voice/nodes/index.js';
import { paramsOf } from '../../server.js';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The internal call-control endpoint other voice nodes post to (voice/nodes/control.ts). It takes no
 * account credentials: a request is signed with the key this node published in the shared database, and
 * anything else gets 401. Listed as a public path in http/server.ts for that reason.
 */
export function nodeControlRoutes(app: FastifyInstance, control: NodeControl): void {
  app.post(CONTROL_PATH, async (req, reply) => {
    const p = paramsOf(req);
    const r = await control.receive(one(req.headers[FROM_HEADER]), one(req.headers[SIGNATURE_HEADER]), one(p.Op), one(p.Args));
    return reply.code(r.status).send(r.body);
  });
}
