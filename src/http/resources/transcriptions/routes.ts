import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../../accounts/service.js';
import type { TranscriptionsService } from '../../../voice/recordings/transcriptions.js';
import { targetAccount } from '../../context.js';
import { envelope2010, readPageParams } from '../../paging.js';
import { paramsOf } from '../../server.js';
import { presentTranscription } from './presenter.js';

/**
 * Transcriptions (2010): list, fetch and delete, under the account and under a recording. They are created
 * by <Record transcribe="true">, never through the API (Twilio has no create either).
 */
export function transcriptionRoutes(app: FastifyInstance, accounts: AccountsService, transcriptions: TranscriptionsService): void {
  for (const base of ['/2010-04-01/Accounts/:AccountSid/Transcriptions', '/2010-04-01/Accounts/:AccountSid/Recordings/:RecordingSid/Transcriptions']) {
    app.get(base, async (req) => {
      const account = await targetAccount(req, accounts);
      const { RecordingSid } = req.params as { RecordingSid?: string };
      const params = paramsOf(req);
      const page = readPageParams(params);
      const result = await transcriptions.list(account.sid, RecordingSid, page);
      const path =
        RecordingSid === undefined
          ? `/2010-04-01/Accounts/${account.sid}/Transcriptions.json`
          : `/2010-04-01/Accounts/${account.sid}/Recordings/${RecordingSid}/Transcriptions.json`;
      return envelope2010('transcriptions', path, params, page, result, presentTranscription);
    });

    app.get(`${base}/:Sid`, async (req) => {
      const account = await targetAccount(req, accounts);
      const { Sid, RecordingSid } = req.params as { Sid: string; RecordingSid?: string };
      req.resourceSid = Sid;
      return presentTranscription(await transcriptions.find(account.sid, Sid, RecordingSid));
    });

    app.delete(`${base}/:Sid`, async (req, reply) => {
      const account = await targetAccount(req, accounts);
      const { Sid, RecordingSid } = req.params as { Sid: string; RecordingSid?: string };
      req.resourceSid = Sid;
      await transcriptions.delete(account.sid, Sid, RecordingSid);
      return reply.code(204).send();
    });
  }
}
