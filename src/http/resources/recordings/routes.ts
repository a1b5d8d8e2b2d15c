import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import type { RecordingFilter } from '../../../store/repositories/recordings.js';
import type { RecordingsService } from '../../../voice/recordings/service.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { requireMediaCredentials } from '../../media-auth.js';
import { paramsOf } from '../../server.js';
import { presentRecording } from './presenter.js';

const DAY = 86_400_000;

/**
 * Recordings. `.../Recordings/RE....wav` (and `.mp3`) serve the audio, without credentials when the path
 * is listed as public in http/server.ts: RE SIDs are unguessable, and apps fetch RecordingUrl as is.
 * With `mediaAuth` (Twilio's "Enforce HTTP Auth on Media URLs") the owning account's credentials are needed.
 */
export function recordingRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  recordings: RecordingsService,
  origin: () => string,
  opts: { mediaAuth?: boolean } = {},
): void {
  const base = '/2010-04-01/Accounts/:AccountSid/Recordings';

  app.get(base, async (req) => {
    const account = await targetAccount(req, accounts);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter: RecordingFilter = { callSid: p.str('CallSid'), createdBefore: p.date('DateCreated<'), createdAfter: p.date('DateCreated>') };
    const on = p.date('DateCreated');
    if (on !== undefined) filter.createdOn = [on, on + DAY];
    const result = await recordings.list(account.sid, filter, page);
    return envelope2010('recordings', `/2010-04-01/Accounts/${account.sid}/Recordings.json`, params, page, result, presentRecording(origin()));
  });

  app.get(`${base}/:Sid`, async (req, reply) => {
    const { AccountSid, Sid } = req.params as { AccountSid: string; Sid: string };
    const media = /^(RE[0-9a-f]{32})\.(wav|mp3)$/.exec(Sid);
    if (media) {
      // Without --media-auth the path needs no credentials: the account comes from the path, the SID is the capability.
      if (opts.mediaAuth) await requireMediaCredentials(req, reply, accounts, AccountSid);
      const file = await recordings.media(AccountSid, media[1]!, media[2] as 'wav' | 'mp3');
      return reply.header('content-type', file.contentType).header('cache-control', 'private, max-age=3600').send(file.data);
    }
    const account = await targetAccount(req, accounts);
    req.resourceSid = Sid;
    return presentRecording(origin())(await recordings.find(account.sid, Sid));
  });

  app.delete(`${base}/:Sid`, async (req, reply) => {
    const account = await targetAccount(req, accounts);
    const { Sid } = req.params as { Sid: string };
    req.resourceSid = Sid;
    await recordings.delete(account.sid, Sid);
    return reply.code(204).send();
  });
}
