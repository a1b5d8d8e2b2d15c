import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { AccountsService } from '../../../accounts/service.js';
import type { Config } from '../../../config/schema.js';
import type { Clock } from '../../../core/clock.js';
import { errors } from '../../../core/errors.js';
import type { AccountSid } from '../../../core/sid.js';
import { SettingsRepository } from '../../../store/repositories/settings.js';
import type { Database } from '../../../store/schema.js';
import { createVideo, isLoopback, type Video } from '../../../video/module.js';
import { attachSignalling } from '../../../video/signalling.js';
import { mintAccessToken } from '../../../video/token.js';
import type { WebhookCall } from '../../../webhooks/dispatcher.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { videoRoutes } from './routes.js';
import { sdkRoutes } from './sdk.js';

export interface VideoDeps {
  db: Kysely<Database>;
  clock: Clock;
  accounts: AccountsService;
  config: Config;
  rootAccountSid: string;
  origin: () => string;
  /** Queues signed, durable status callbacks (and wakes the webhook worker). */
  enqueue: (calls: WebhookCall[]) => Promise<void>;
}

const instances = new WeakMap<FastifyInstance, Video>();
/** The video module a server runs (tests and the benchmark read its SFU statistics). */
export function videoOf(app: FastifyInstance): Video | undefined {
  return instances.get(app);
}

/**
 * Programmable Video on this server: the REST API, the signalling WebSocket on the same port, the browser
 * SDK and the demo page. The SFU workers start with the first participant and stop with the server.
 */
export function registerVideo(app: FastifyInstance, d: VideoDeps): Video {
  const log = (level: 'warn' | 'error', msg: string, err?: unknown) => app.log[level]({ err, component: 'video' }, msg);
  const video = createVideo({
    db: d.db, clock: d.clock, origin: d.origin, enqueue: d.enqueue, secretOf: (a, k) => d.accounts.keySecretFor(a, k),
    dataDir: d.config.dataDir, host: d.config.host, workers: d.config.videoWorkers, ports: d.config.videoPorts,
    publicIp: d.config.videoPublicIp, reconnectMs: d.config.videoReconnectMs, log,
  });
  videoRoutes(app, video, d.origin);
  const demo = isLoopback(d.config.host) || d.config.videoDemo;
  sdkRoutes(app, demo);
  demoTokenRoute(app, d, demo);
  const signalling = attachSignalling(app.server, {
    live: video.live, secretOf: (a, k) => d.accounts.keySecretFor(a, k), clock: d.clock, heartbeatMs: 5000, log,
  });
  instances.set(app, video);
  app.addHook('onReady', async () => { await video.recover().catch((err: unknown) => log('warn', 'recovering video rooms failed', err)); });
  app.addHook('onClose', async () => {
    signalling.close();
    await video.close();
  });
  return video;
}

/**
 * The demo page's token endpoint: it mints tokens for the root account with an API key kept for it, so
 * anyone who can reach it can join rooms as anybody. Served only when the API listens on loopback, or
 * with --video-demo (SWITCHBOARD_VIDEO_DEMO) for a deliberate demo deployment.
 */
function demoTokenRoute(app: FastifyInstance, d: VideoDeps, enabled: boolean): void {
  const settings = new SettingsRepository(d.db);
  let key: Promise<{ sid: string; secret: string }> | undefined;
  const demoKey = () => (key ??= (async () => {
    const known = await settings.get('video_demo_key_sid');
    const secret = known ? await d.accounts.keySecretFor(d.rootAccountSid, known) : undefined;
    if (known && secret) return { sid: known, secret };
    const principal = { accountSid: d.rootAccountSid as AccountSid, via: 'auth-token' as const, canManageAccounts: true };
    const row = await d.accounts.createKey(principal, d.rootAccountSid as AccountSid, 'Video demo page', 'standard');
    await settings.set('video_demo_key_sid', row.sid);
    return { sid: row.sid, secret: row.secret };
  })().catch((err: unknown) => { key = undefined; throw err; }));

  app.post('/video-demo/token', async (req) => {
    if (!enabled) throw errors.notFound('/video-demo/token');
    const p = new ParamReader(paramsOf(req));
    const identity = p.required('identity');
    const room = p.str('room') || undefined;
    if (identity.length > 256) throw errors.participantIdentityTooLong();
    const k = await demoKey();
    return { token: mintAccessToken({ accountSid: d.rootAccountSid, keySid: k.sid, secret: k.secret, identity, room, nowMs: d.clock.now() }), identity, room: room ?? null };
  });
}
