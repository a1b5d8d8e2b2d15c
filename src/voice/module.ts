/**
 * Programmable Voice wired together: the SIP endpoint (UDP+TCP), media and TTS, the Calls and Recordings
 * services, virtual phones, and crash recovery. main.ts sees only what createVoice returns.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import type { JobQueue } from '../jobs/queue.js';
import { ApplicationsRepository } from '../store/repositories/applications.js';
import { CallEventsRepository } from '../store/repositories/call-events.js';
import { CallsRepository, type CallRow } from '../store/repositories/calls.js';
import { OutgoingCallerIdsRepository } from '../store/repositories/outgoing-caller-ids.js';
import { PhoneNumbersRepository } from '../store/repositories/phone-numbers.js';
import { QueuesRepository } from '../store/repositories/queues.js';
import { RecordingsRepository } from '../store/repositories/recordings.js';
import { VirtualCallsRepository } from '../store/repositories/virtual-calls.js';
import type { Database } from '../store/schema.js';
import { transactor } from '../store/transactor.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { WebhookLog } from '../webhooks/log.js';
import { AudioCache } from './audio/fetch.js';
import { Dialer } from './calls/dialer.js';
import { InboundCalls } from './calls/inbound.js';
import { CallLifecycle } from './calls/lifecycle.js';
import type { CallPeer } from './calls/peer.js';
import { CallRecovery } from './calls/recovery.js';
import { CallsService } from './calls/service.js';
import { CallSession, type SessionDeps } from './calls/session.js';
import { createDial } from './dial/index.js';
import type { LookupDataSource } from '../lookup/index.js';
import { callerNameLookup } from './calls/caller-name.js';
import type { LiveCall } from './calls/live.js';
import { openRtp, type MediaOptions } from './calls/sip-peers.js';
import { CallEvents } from './events.js';
import type { DocumentSource } from './interpreter.js';
import { engineEntry, MediaEngine, sharedMediaClock, type RtpDropCounters, type ThreadPriorityReport } from './media/index.js';
import { createStreamHub } from './streams/engine/hub.js';
import { queueDialer, type DialQueueDeps } from './queues/dial-queue.js';
import { loopbackOf } from './queues/media-link.js';
import { QueueRuntime } from './queues/runtime.js';
import { QueuesService } from './queues/service.js';
import { ConferencesRepository } from '../store/repositories/conferences.js';
import { conferenceDialer, type DialConferenceDeps } from './conferences/dial-conference.js';
import { ConferenceRuntime } from './conferences/runtime.js';
import { ConferencesService, type OwnerChange } from './conferences/service.js';
import { RecordingsService } from './recordings/service.js';
import { TranscriptionsService } from './recordings/transcriptions.js';
import { TranscriptionsRepository } from '../store/repositories/transcriptions.js';
import { createSipEndpoint, InviteGuard, type SipEndpoint, type TcpCounters } from './sip/index.js';
import { CallLimits } from './calls/limits.js';
import { DEFAULT_SECURITY, registerSecurityMetrics, type VoiceSecurity } from './security.js';
import type { SipTrunk } from './trunk.js';
import { createDefaultTts } from './tts/index.js';
import type { SpeechRecognizer } from './speech/index.js';
import { voiceVerifySender } from './verify-sender.js';
import { VirtualCalls } from './virtual/calls.js';
import { VirtualPhones } from './virtual/phones.js';
import { CallStreams } from './streams/call-streams.js';
import { StreamsService } from './streams/service.js';
import { LiveRecordingsService } from './recordings/live-service.js';
import { outboundPolicy } from '../core/net/outbound-policy.js';
import { CallNodesRepository } from '../store/repositories/call-nodes.js';
import { NodeControl, NodeRegistry, VoiceCluster } from './nodes/index.js';
import { CrossLinks } from './nodes/media-link.js';
import { CrossNode } from './cross-node.js';
import type { KeySecretLookup } from '../core/access-token.js';
import { createVoiceClients, type VoiceClients, type WebRtcOptions } from './client/index.js';

export interface VoiceOptions {
  db: Kysely<Database>;
  clock: Clock;
  events: EventBus;
  jobs: JobQueue;
  webhooks: WebhookDispatcher;
  webhookLog: WebhookLog;
  publicUrl: () => string;
  /** -1 disables SIP (virtual phones still work); 0 picks a free port. */
  sipPort: number;
  sipHost: string;
  sipPublicHost?: string | undefined;
  /** Where calls to phone numbers go; without one they reach virtual phones. */
  sipTrunk?: SipTrunk | null | undefined;
  /** UDP ports RTP sessions bind in; without a range the OS picks. */
  rtpPorts?: { min: number; max: number } | null | undefined;
  /** Media engine threads carrying calls' RTP (docs/voice-stack.md, "Threads"); 0 keeps media on this thread. */
  mediaWorkers?: number | undefined;
  /** Nice steps the engine threads run above the rest (--media-priority); 0 or absent leaves them level. */
  mediaPriority?: number | undefined;
  /** SCHED_RR priority of the engine threads (--media-realtime); 0 or absent asks for none. */
  mediaRealtime?: number | undefined;
  /** Says what the engine threads' priority became (once per thread), for the log. */
  onMediaPriority?: ((report: ThreadPriorityReport) => void) | undefined;
  /** Speech recognition for <Gather input="speech">; null or absent: a speech Gather raises an alert. */
  speech?: SpeechRecognizer | null | undefined;
  /** Stable across restarts of the same server, so its calls from a previous life are ended at start. */
  nodeId?: string | undefined;
  leaseMs?: number | undefined;
  /**
   * Several voice nodes share the database (PostgreSQL): requests for calls other nodes run are carried
   * to them and new outbound calls are spread (voice/nodes). False on SQLite, where there is one node.
   */
  cluster?: boolean | undefined;
  metrics?: Registry | undefined;
  /** Hardening against abuse from the network (from the config, lists parsed; docs/voice.md, "Security"). */
  security?: VoiceSecurity | undefined;
  /** Where CallerName comes from for numbers with VoiceCallerIdLookup on (its caller_name package). */
  lookupSource?: LookupDataSource | undefined;
  /** The account's auth token: Media Streams sign their WebSocket upgrade with it (X-Twilio-Signature). */
  authTokenOf?: ((accountSid: string) => Promise<string | undefined>) | undefined;
  /** An API key's secret (for browser Voice SDK access tokens); without it no device can connect. */
  keySecretOf?: KeySecretLookup | undefined;
  /** The console's phone key (console/voice-key.ts): its tokens' calls dial their To (voice/client/direct-dial.ts). */
  isDirectDialKey?: ((accountSid: string, keySid: string) => boolean) | undefined;
  /** Where browsers' WebRTC media is gathered (the video SFU's settings: loopback only, announced IPs, ports). */
  webrtc?: Omit<WebRtcOptions, 'relayHost'> | undefined;
  /** Audio an app may queue ahead of playback on a <Connect><Stream>, in seconds (default 60). */
  streamMaxQueuedSeconds?: number | undefined;
  onError: (err: unknown) => void;
}

export function createVoice(o: VoiceOptions) {
  const sec = o.security ?? DEFAULT_SECURITY;
  const guard = new InviteGuard({
    ratePerSecond: sec.sipInviteRate,
    burst: sec.sipInviteBurst,
    realm: 'switchboard',
    trusted: sec.sipTrustedSources,
    peers: sec.sipPeers,
  });
  const limits = new CallLimits(sec.maxCallsPerAccount, sec.maxCallsPerNode);
  const localDrops: RtpDropCounters = { source: 0, ssrc: 0 };
  const engineLateness: EngineTicks = { onTicks: null };
  let crashes: Counter | null = null;
  const engine =
    (o.mediaWorkers ?? 0) > 0
      ? new MediaEngine(
          o.mediaWorkers ?? 1,
          {
            onTicks: (lateness, count, skipped) => engineLateness.onTicks?.(lateness, count, skipped),
            onCrash: (error, lost) => {
              crashes?.inc();
              o.onError(new Error(`a media engine thread failed, ending its ${lost} call(s): ${error.message}`));
            },
            onPriority: (report) => o.onMediaPriority?.(report),
            onWarmUpFailed: (message) => o.onError(new Error(`a media engine thread's warm-up failed (calls still run): ${message}`)),
          },
          { entry: engineEntry(import.meta.url, './engine-worker'), priorityBoost: o.mediaPriority ?? 0, realtime: o.mediaRealtime ?? 0 },
        )
      : null;
  // /metrics sees one set of drop counters: this thread's sessions plus the engine threads' shared memory.
  const rtpDrops: RtpDropCounters = engine
    ? {
        get source(): number {
          return localDrops.source + engine.drops.source;
        },
        get ssrc(): number {
          return localDrops.ssrc + engine.drops.ssrc;
        },
      }
    : localDrops;
  const tcpCounters: TcpCounters = { refused: 0, idleClosed: 0 };
  const trunk = o.sipTrunk ?? null;
  // A fixed SIP port names the node across restarts (its previous life's calls are ended at start); without
  // one the name cannot survive a restart anyway, so it is made unique (servers in one process, tests).
  const nodeId = o.nodeId ?? `${hostname()}:${o.sipPort > 0 ? `sip${o.sipPort}` : `pid${process.pid}-${randomBytes(3).toString('hex')}`}`;
  const leaseMs = o.leaseMs ?? 30_000;
  const calls = new CallsRepository(o.db);
  const numbers = new PhoneNumbersRepository(o.db);
  const applications = new ApplicationsRepository(o.db);
  const tx = transactor(o.db);
  const lifecycle = new CallLifecycle({ calls, jobs: o.jobs, tx, webhooks: o.webhooks, events: o.events, clock: o.clock });
  const recovery = new CallRecovery({ calls, lifecycle, nodeId, leaseMs, onError: o.onError });
  const recordings = new RecordingsService({
    repo: new RecordingsRepository(o.db),
    tx,
    jobs: o.jobs,
    webhooks: o.webhooks,
    clock: o.clock,
    publicUrl: o.publicUrl,
  });
  const transcriptions = new TranscriptionsService({
    repo: new TranscriptionsRepository(o.db),
    jobs: o.jobs,
    webhooks: o.webhooks,
    clock: o.clock,
    publicUrl: o.publicUrl,
    speech: o.speech ?? null,
    onError: o.onError,
  });
  const audio = new AudioCache();
  const tts = createDefaultTts();
  const bindHost = o.sipHost;
  const publicHost = o.sipPublicHost ?? (bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost);
  const media: MediaOptions = {
    host: bindHost,
    publicHost,
    tts,
    audio,
    rtpDrops: localDrops,
    streamTaps: createStreamHub,
    engine,
    strictRtp: sec.rtpStrict ? { probation: sec.rtpProbation } : false,
    ...(o.rtpPorts ? { portRange: o.rtpPorts } : {}),
  };
  const phones = new VirtualPhones(new VirtualCallsRepository(o.db), calls, media, o.clock);
  const sessions = new Map<string, LiveCall>();
  const callEvents = new CallEvents(new CallEventsRepository(o.db), o.clock, o.onError);
  const sessionDeps: SessionDeps = {
    lifecycle,
    webhooks: o.webhooks,
    log: o.webhookLog,
    recordings,
    recorder: (callSid: string, accountSid: string) => callEvents.recorder(callSid, accountSid),
    ...(o.speech ? { speech: o.speech } : {}),
    transcriptions,
    onEnded: (sid: string) => {
      sessions.delete(sid);
      limits.release(sid);
      phones.forget(sid);
    },
  };
  sessionDeps.streams = (call, mediaSession) =>
    new CallStreams(
      {
        webhooks: o.webhooks,
        jobs: o.jobs,
        log: o.webhookLog,
        authTokenOf: o.authTokenOf ?? (async () => undefined),
        policy: outboundPolicy,
        now: () => o.clock.now(),
        maxQueuedSeconds: o.streamMaxQueuedSeconds ?? 60,
        connectTimeoutMs: 10_000,
      },
      call,
      mediaSession,
    );
  // Browser devices start calls like an inbound SIP call does (startInbound, defined below; called later).
  const clients: VoiceClients = createVoiceClients({
    secretOf: o.keySecretOf ?? (async () => undefined),
    ...(o.isDirectDialKey ? { isDirectDialKey: o.isDirectDialKey } : {}),
    webrtc: { loopbackOnly: false, announce: [], ...o.webrtc, relayHost: loopbackOf(bindHost) },
    applications,
    media,
    limits,
    nodeId,
    leaseMs,
    now: () => o.clock.now(),
    start: (row, peer, first) => startInbound(row, peer, first),
    onError: o.onError,
    log: (level, msg, err) => (level === 'error' ? o.onError(err ?? new Error(msg)) : undefined),
  });
  // Queues, conferences and browser clients across nodes (built below with the cluster; closures run later).
  let crossNode: CrossNode | null = null;
  const dialer = new Dialer({
    sip: () => sip,
    trunk,
    media,
    numbers,
    phones,
    clients: {
      connector: (placing, identity) => {
        const local = clients.connector(placing, identity);
        return crossNode ? crossNode.clientConnector(local, placing, identity) : local;
      },
    },
  });
  const callerIds = new OutgoingCallerIdsRepository(o.db);
  const queueRepo = new QueuesRepository(o.db);
  // The service dequeues through the runtime, which is built just below (the closure runs later).
  const queues: QueuesService = new QueuesService({
    repo: queueRepo,
    clock: o.clock,
    // A caller waiting on another node is dequeued there (voice/nodes).
    dequeue: async (callSid, target): Promise<boolean> => {
      if (await runtime.dequeueTo(callSid, target)) return true;
      const row = cluster ? await calls.find(callSid) : undefined;
      if (!cluster || !row?.node_id || !cluster.runsElsewhere(row)) return false;
      const answer = await cluster.toOwner<boolean>(row, 'queues.dequeue', { callSid, target });
      return answer.kind === 'answered' && answer.value;
    },
  });
  const runtime: QueueRuntime = new QueueRuntime({
    repo: queueRepo,
    service: queues,
    clock: o.clock,
    nodeId,
    events: o.events,
    crossNode: o.cluster === true,
    onError: o.onError,
  });
  sessionDeps.enqueue = (host) => runtime.enqueue(host);
  const conferenceRepo = new ConferencesRepository(o.db);
  const conferences = new ConferenceRuntime({
    repo: conferenceRepo,
    jobs: o.jobs,
    webhooks: o.webhooks,
    recordings,
    alert: async (call, kind, detail, url) =>
      void (await o.webhookLog.raise({ accountSid: call.account_sid, kind, detail, resourceSid: call.sid, requestUrl: url ?? null })),
    openNear: (near) => openRtp(media, near),
    loopbackHost: loopbackOf(bindHost),
    clock: o.clock,
    nodeId,
    onError: o.onError,
  });
  const joinElsewhere: NonNullable<DialConferenceDeps['remote']> = async (accountSid, name, ctx, settings) =>
    crossNode ? crossNode.joinConference(accountSid, name, ctx, settings) : null;
  const takeElsewhere: NonNullable<DialQueueDeps['remote']> = async (row, dequeuer, agentLeg) =>
    crossNode ? crossNode.takeQueued(row, dequeuer, agentLeg) : null;
  sessionDeps.dial = createDial({
    nouns: {
      Conference: conferenceDialer({
        runtime: conferences,
        ...(o.cluster ? { remote: joinElsewhere } : {}),
        now: () => o.clock.now(),
      }),
      Queue: queueDialer({
        runtime,
        service: queues,
        openNear: (near) => openRtp(media, near),
        loopbackHost: loopbackOf(bindHost),
        ...(o.cluster ? { remote: takeElsewhere } : {}),
        now: () => o.clock.now(),
      }),
    },
    dialer,
    lifecycle,
    nodeId,
    leaseMs,
    sessions,
    onChildEnded: (sid) => phones.forget(sid),
    onError: o.onError,
    recordings,
    whisper: { webhooks: o.webhooks, log: o.webhookLog, recordings },
    isAccountNumber: async (accountSid, number) => (await numbers.findByNumber(number))?.account_sid === accountSid || callerIds.isVerified(accountSid, number),
  });

  /** Stores a new inbound call and runs it; errors end up in the log, never in the caller's stack. */
  const startInbound = async (row: CallRow, peer: CallPeer, first: DocumentSource): Promise<void> => {
    const stored = await lifecycle.create(row);
    const session = new CallSession(sessionDeps, stored);
    sessions.set(stored.sid, session);
    void session.runInbound(peer, first).catch(o.onError);
  };
  const inbound = new InboundCalls({
    numbers,
    applications,
    media,
    nodeId,
    leaseMs,
    now: () => o.clock.now(),
    limits,
    callerName: callerNameLookup(o.lookupSource),
    start: startInbound,
    onError: o.onError,
  });
  let sip: SipEndpoint | null = null;
  const registry = o.cluster
    ? new NodeRegistry({
        repo: new CallNodesRepository(o.db),
        nodeId,
        leaseMs,
        now: () => o.clock.now(),
        liveCalls: () => sessions.size,
        maxCalls: sec.maxCallsPerNode,
        sipAddress: () => {
          const port = sip?.ports.udp ?? sip?.ports.tcp;
          return port === undefined ? null : `${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${port}`;
        },
        onError: o.onError,
      })
    : null;
  const control = registry ? new NodeControl({ nodeId, key: registry.key, now: () => o.clock.now(), onError: o.onError }) : null;
  const cluster = registry && control ? new VoiceCluster({ registry, control, calls, recovery, now: () => o.clock.now() }) : null;
  // Media legs between nodes, advertised at this node's public SIP/RTP host (never 0.0.0.0).
  const links =
    registry && control ? new CrossLinks({ control, registry, host: publicHost, openNear: (near) => openRtp(media, near), onError: o.onError }) : null;
  if (links && control && registry) {
    crossNode = new CrossNode({
      links,
      control,
      registry,
      nodeId,
      queues: runtime,
      conferences,
      conferenceRepo,
      clients,
      tts,
      audio,
      now: () => o.clock.now(),
    });
  }
  const service = new CallsService({
    cluster,
    calls,
    numbers,
    applications,
    lifecycle,
    dialer,
    clock: o.clock,
    nodeId,
    leaseMs,
    sessions,
    limits,
    isVerifiedCallerId: (accountSid, phoneNumber) => callerIds.isVerified(accountSid, phoneNumber),
    dial: (row, route, first, onGatherInput, amd) => {
      const session = new CallSession(sessionDeps, row, onGatherInput, amd);
      sessions.set(row.sid, session);
      void (async () => {
        const connector = await route.connector({
          sid: row.sid,
          accountSid: row.account_sid,
          from: row.from_number,
          to: row.to_number,
          timeoutSeconds: row.timeout,
        });
        await session.runOutbound(connector, first);
      })().catch(o.onError);
    },
  });
  const virtualCalls = new VirtualCalls({ numbers, inbound, phones, start: startInbound });
  const streams = new StreamsService(sessions, { find: (accountSid, sid) => service.find(accountSid, sid), cluster });
  const callRecordings = new LiveRecordingsService(sessions, { find: (accountSid, sid) => service.find(accountSid, sid), cluster });
  callRecordings.registerOps();
  // What other nodes may ask this one to do for the calls it runs (voice/nodes/control.ts); other features
  // (conference participants, call recordings) register theirs on `control` the same way.
  control?.register('calls.create', async (a) => {
    const { accountSid, input } = a as { accountSid: string; input: Parameters<CallsService['create']>[1] };
    return service.create(accountSid, input, true);
  });
  control?.register('calls.update', async (a) => {
    const { accountSid, sid, input } = a as { accountSid: string; sid: string; input: Parameters<CallsService['update']>[2] };
    return service.update(accountSid, sid, input, true);
  });
  control?.register('queues.dequeue', async (a) => {
    const { callSid, target } = a as { callSid: string; target: Parameters<QueueRuntime['dequeueTo']>[1] };
    return runtime.dequeueTo(callSid, target);
  });
  control?.register('streams.create', async (a) => {
    const { accountSid, callSid, req } = a as { accountSid: string; callSid: string; req: Parameters<StreamsService['create']>[2] };
    return streams.create(accountSid, callSid, req, true);
  });
  control?.register('streams.stop', async (a) => {
    const { accountSid, callSid, key } = a as { accountSid: string; callSid: string; key: string };
    return streams.stop(accountSid, callSid, key, true);
  });
  if (o.metrics) {
    crashes = registerMetrics(o.metrics, sessions, engineLateness);
    registerSecurityMetrics(o.metrics, { rtp: rtpDrops, invites: guard.counters, tcp: tcpCounters, calls: limits.refused });
  }

  return {
    calls: service,
    recordings,
    /** Transcriptions of recordings (<Record transcribe>, the Transcriptions resource). */
    transcriptions,
    queues,
    /** Live conferences on this node and the rows the REST API reads. */
    conferences: {
      runtime: conferences,
      service: new ConferencesService({
        repo: conferenceRepo,
        runtime: conferences,
        call: (accountSid, input) => service.create(accountSid, input),
        callStatus: async (sid) => (await calls.find(sid))?.status ?? null,
        hangup: async (accountSid, sid, status) => void (await service.update(accountSid, sid, { status })),
        callDone: (sid) => sessions.get(sid)?.done ?? null,
        ...(crossNode ? { onOwner: (node: string, change: OwnerChange) => crossNode?.toConferenceNode(node, change) ?? Promise.resolve(false), nodeId } : {}),
      }),
    },
    /** Media Streams started and stopped through the API (Calls/{Sid}/Streams). */
    streams,
    /** Recordings started, paused, resumed and stopped on a live call through the API (Calls/{Sid}/Recordings). */
    callRecordings,
    /**
     * With several voice nodes (null on SQLite): `control.register(op, handler)` adds an operation other
     * nodes may run here, `toOwner(row, op, args)` runs one on the node that owns a live call.
     */
    cluster,
    /** The verbs each call ran (GET /switchboard/v1/Calls/{Sid}/Events). */
    callEvents,
    phones,
    virtualCalls,
    verifySender: voiceVerifySender(service, numbers),
    /** Browser Voice SDK devices: the signalling gateway (attached to the HTTP server by the voice plugin). */
    clients,
    /** Bound SIP ports (empty while SIP is disabled). */
    sipPorts: (): { udp?: number; tcp?: number } => sip?.ports ?? {},
    liveCalls: () => sessions.size,
    /** The media engine threads, null when media runs on this thread (--media-workers 0). */
    mediaEngine: engine,
    async start(): Promise<void> {
      await recovery.start();
      await runtime.start();
      await conferences.start();
      if (o.sipPort < 0) return;
      try {
        sip = await createSipEndpoint({
          host: bindHost,
          port: o.sipPort,
          transports: ['udp', 'tcp'],
          publicHost,
          screenInvite: (req, source) => guard.check(req, source),
          tcp: {
            maxConnections: sec.sipTcpMaxConnections,
            maxPerSource: sec.sipTcpMaxPerSource,
            firstMessageMs: sec.sipTcpFirstMessageMs,
            idleMs: sec.sipTcpIdleMs,
            counters: tcpCounters,
          },
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        throw new Error(`SIP port ${o.sipPort} on ${bindHost} is already in use: set SWITCHBOARD_SIP_PORT to another port, or -1 to disable SIP`);
      }
      sip.on(
        'invite',
        (call) =>
          void inbound.invite(call).catch((err: unknown) => {
            call.reject(500);
            o.onError(err);
          }),
      );
      sip.on('warning', () => undefined); // malformed packets from the internet are not worth a log line each
    },
    /** Joins the other voice nodes once the HTTP API listens: `controlUrl` is how they reach this one. */
    async listening(controlUrl: string): Promise<void> {
      await registry?.start(controlUrl);
      links?.start();
    },
    async stop(): Promise<void> {
      await registry?.stop();
      links?.stop();
      recovery.stop();
      // Live calls end now, with their status and callbacks, rather than being found orphaned later.
      await Promise.all([...sessions.values()].map((s) => s.end('completed')));
      await sip?.close();
      sip = null;
      await engine?.close();
      await transcriptions.drain();
    },
  };
}

export type Voice = ReturnType<typeof createVoice>;

/** Calls in flight and the media clock's send lateness: what the voice benchmark reads, and operators graph. */
interface EngineTicks {
  onTicks: ((lateness: Float64Array, count: number, skipped: number) => void) | null;
}

function registerMetrics(registry: Registry, sessions: Map<string, LiveCall>, engine: EngineTicks): Counter {
  new Gauge({
    name: 'switchboard_calls_active',
    help: 'Calls this node is running',
    registers: [registry],
    collect() {
      this.set(sessions.size);
    },
  });
  const lateness = new Histogram({
    name: 'switchboard_media_tick_lateness_seconds',
    help: "How late each media tick sent its last RTP frame (on engine threads, a tick of one of the clock's ten phases)",
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1],
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'switchboard_media_ticks_skipped_total',
    help: 'Media ticks dropped after event-loop stalls (frames never sent)',
    registers: [registry],
  });
  let seenSkipped = sharedMediaClock.skippedTicks;
  sharedMediaClock.onTick = (ms, clients) => {
    if (clients === 0) return;
    lateness.observe(ms / 1000);
    if (sharedMediaClock.skippedTicks !== seenSkipped) {
      skipped.inc(sharedMediaClock.skippedTicks - seenSkipped);
      seenSkipped = sharedMediaClock.skippedTicks;
    }
  };
  // Engine threads report their ticks once a second each, in one message.
  engine.onTicks = (samples, count, dropped) => {
    for (let i = 0; i < count; i++) lateness.observe((samples[i] ?? 0) / 1000);
    if (dropped > 0) skipped.inc(dropped);
  };
  return new Counter({
    name: 'switchboard_media_engine_crashes_total',
    help: 'Media engine threads that died (their calls were ended, the thread replaced)',
    registers: [registry],
  });
}
