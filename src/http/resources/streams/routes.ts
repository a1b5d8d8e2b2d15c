import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import { errors } from '../../../core/errors.js';
import type { Parameter } from '../../../twiml/index.js';
import type { StreamsService } from '../../../voice/streams/service.js';
import { streamUrlShape } from '../../../voice/streams/target.js';
import { targetAccount } from '../../context.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentStream } from './presenter.js';

const TRACKS = ['inbound_track', 'outbound_track', 'both_tracks'] as const;
/** Parameter1.Name ... Parameter99.Name, as Twilio's API takes them. */
const MAX_PARAMETERS = 99;

/** Start a one-way stream on a live call; stop one by SID or name. Both answer 200, as the spec says. */
export function streamRoutes(app: FastifyInstance, accounts: AccountsService, streams: StreamsService): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Calls/:CallSid/Streams';

  app.post(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const { CallSid } = req.params as { CallSid: string };
    req.resourceSid = CallSid;
    const p = new ParamReader(paramsOf(req));
    const url = p.required('Url');
    if (streamUrlShape(url) === null) throw errors.streamUrlInvalid();
    const parameters: Parameter[] = [];
    for (let i = 1; i <= MAX_PARAMETERS; i++) {
      const name = p.str(`Parameter${i}.Name`);
      if (name !== undefined && name !== '') parameters.push({ name, value: p.str(`Parameter${i}.Value`) ?? '' });
    }
    const info = await streams.create(account.sid, CallSid, {
      url,
      name: p.str('Name') || null,
      track: p.oneOf('Track', TRACKS) ?? 'inbound_track',
      statusCallback: p.url('StatusCallback') ?? null,
      statusCallbackMethod: p.method('StatusCallbackMethod') ?? 'POST',
      parameters,
    });
    return presentStream(info);
  });

  app.post(`${base}/:Sid`, async (req) => {
    const account = await targetAccount(req, accounts);
    const { CallSid, Sid } = req.params as { CallSid: string; Sid: string };
    req.resourceSid = Sid;
    const p = new ParamReader(paramsOf(req));
    p.required('Status');
    p.oneOf('Status', ['stopped'] as const);
    return presentStream(await streams.stop(account.sid, CallSid, Sid));
  });
}
