import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../../core/clock.js';
import { errors } from '../../../core/errors.js';
import type { Video } from '../../../video/module.js';
import { attachSignalling } from '../../../video/signalling.js';
import { mintAccessToken } from '../../../video/token.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { videoRoutes } from './routes.js';
import { sdkRoutes } from './sdk.js';

export interface VideoPluginOptions {
  video: Video;
  clock: Clock;
  /** Serve the demo page and its token endpoint (on loopback, or with --video-demo). */
  demo: boolean;
  origin: () => string;
}

/**
 * Programmable Video over HTTP: the REST API, the signalling WebSocket on the same port, the browser SDK
 * and the demo page.
 */
export const videoPlugin: FastifyPluginAsync<VideoPluginOptions> = async (app, o) => {
  const { video } = o;
  const log = (level: 'warn' | 'error', msg: string, err?: unknown) => app.log[level]({ err, component: 'video' }, msg);
  videoRoutes(app, video, o.origin);
  sdkRoutes(app, o.demo);
  demoTokenRoute(app, video, o.clock, o.demo);
  const signalling = attachSignalling(app.server, { live: video.live, secretOf: video.secretOf, clock: o.clock, heartbeatMs: 5000, log });
  app.addHook('onClose', async () => signalling.close());
};

/**
 * The demo page's token endpoint: it mints tokens for the root account with an API key kept for it, so
 * anyone who can reach it can join rooms as anybody. Served only when the API listens on loopback, or
 * with --video-demo (SWITCHBOARD_VIDEO_DEMO) for a deliberate demo deployment.
 */
function demoTokenRoute(app: FastifyInstance, video: Video, clock: Clock, enabled: boolean): void {
  app.post('/video-demo/token', async (req) => {
    if (!enabled) throw errors.notFound('Video demo page');
    const p = new ParamReader(paramsOf(req));
    const identity = p.required('identity');
    const room = p.str('room') || undefined;
    if (identity.length > 256) throw errors.participantIdentityTooLong();
    const k = await video.demoKey.get();
    return {
      token: mintAccessToken({ accountSid: video.rootAccountSid, keySid: k.sid, secret: k.secret, identity, room, nowMs: clock.now() }),
      identity,
      room: room ?? null,
    };
  });
}
