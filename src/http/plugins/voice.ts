import type { FastifyPluginAsync } from 'fastify';
import type { AccountsService } from '../../accounts/service.js';
import type { Pricing } from '../../usage/pricing.js';
import type { Voice } from '../../voice/module.js';
import { attachVoiceSignalling } from '../../voice/client/index.js';
import { callEventRoutes } from '../resources/calls/events.js';
import { callRecordingRoutes } from '../resources/calls/recordings.js';
import { callRoutes } from '../resources/calls/routes.js';
import { conferenceRoutes } from '../resources/conferences/routes.js';
import { queueRoutes } from '../resources/queues/routes.js';
import { recordingRoutes } from '../resources/recordings/routes.js';
import { streamRoutes } from '../resources/streams/routes.js';
import { transcriptionRoutes } from '../resources/transcriptions/routes.js';
import { virtualCallRoutes } from '../resources/virtual-calls/routes.js';
import { nodeControlRoutes } from '../resources/nodes/routes.js';

export interface VoicePluginOptions {
  accounts: AccountsService;
  voice: Voice;
  pricing: Pricing;
  /** --media-auth: recording audio needs the owning account's credentials. */
  mediaAuth: boolean;
  origin: () => string;
}

/**
 * Calls (and the verbs each ran), their Media Streams, Recordings and their audio, Transcriptions, Queues and their members, Conferences and their participants, virtual phones' calls;
 * with several voice nodes, the internal endpoint through which the others control the calls this node runs.
 */
export const voicePlugin: FastifyPluginAsync<VoicePluginOptions> = async (app, o) => {
  callRoutes(app, o.accounts, o.voice.calls, o.voice.recordings, o.origin, o.pricing);
  callEventRoutes(app, o.accounts, o.voice.callEvents, o.origin);
  streamRoutes(app, o.accounts, o.voice.streams);
  callRecordingRoutes(app, o.accounts, o.voice.callRecordings, o.voice.recordings);
  recordingRoutes(app, o.accounts, o.voice.recordings, o.origin, { mediaAuth: o.mediaAuth });
  transcriptionRoutes(app, o.accounts, o.voice.transcriptions);
  queueRoutes(app, o.accounts, o.voice.queues);
  conferenceRoutes(app, o.accounts, o.voice.conferences.service, o.voice.recordings);
  virtualCallRoutes(app, o.voice.phones, o.voice.virtualCalls, o.origin);
  if (o.voice.cluster) nodeControlRoutes(app, o.voice.cluster.control);
  // The browser Voice SDK's signalling WebSocket (wss://<chunderw>/signal) shares the API's port.
  const signalling = attachVoiceSignalling(app.server, o.voice.clients.gateway);
  app.addHook('onClose', async () => signalling.close());
};
