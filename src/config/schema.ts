/**
 * Every setting, once: its flag, its env var, its type, default and help. `switchboard start --help` is
 * generated from this table, and nothing outside src/config reads process.env.
 */
import { availableParallelism } from 'node:os';

/**
 * Media engine threads by default: the cores but one, at least one. The main thread (SIP, HTTP, TwiML, the
 * store, TTS) needs a core of its own: on 2 cores, one engine thread measured better than two for held
 * calls under call setup and for bridged calls (docs/voice-stack.md, "Threads"; docs/benchmarks.md).
 */
export function defaultMediaWorkers(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

export interface OptionSpec {
  key: keyof Config;
  flag: string;
  env: string;
  type: 'string' | 'int' | 'bool';
  default: string | number | boolean | undefined;
  help: string;
}

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  publicUrl: string | undefined;
  accountSid: string | undefined;
  authToken: string | undefined;
  dataDir: string;
  logLevel: string;
  sipPort: number;
  sipHost: string;
  sipPublicHost: string | undefined;
  sipTrunk: string | undefined;
  rtpPorts: string | undefined;
  rtpStrict: boolean;
  rtpProbation: number;
  mediaWorkers: number;
  mediaPriority: number;
  mediaRealtime: number;
  speechEngine: string;
  speechConcurrency: number;
  speechUrl: string | undefined;
  speechApiKey: string | undefined;
  speechModel: string;
  speechLanguages: string | undefined;
  speechTimeoutMs: number;
  sipInviteRate: number;
  sipInviteBurst: number;
  sipTrustedSources: string | undefined;
  sipPeers: string | undefined;
  maxCallsPerAccount: number;
  maxCallsPerNode: number;
  sipTcpMaxConnections: number;
  sipTcpMaxPerSource: number;
  sipTcpFirstMessageMs: number;
  sipTcpIdleMs: number;
  bodyLimit: number;
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  numberPool: string | undefined;
  simulatorLatencyMs: number;
  deterministic: boolean;
  mpsLongCode: number;
  mpsTollFree: number;
  mpsShortCode: number;
  mediaMaxBytes: number;
  mediaTimeoutMs: number;
  stallMs: number;
  apiConcurrency: number;
  leaseMs: number;
  nodeUrl: string | undefined;
  simulatorFailureRate: number;
  carriersFile: string | undefined;
  priceTable: string | undefined;
  iceServers: string | undefined;
  videoWorkers: number;
  videoPorts: string | undefined;
  videoPublicIp: string | undefined;
  videoDemo: boolean;
  videoReconnectMs: number;
  outboundAllow: string | undefined;
  outboundDeny: string | undefined;
  mediaAuth: boolean;
  allowedHosts: string | undefined;
  authFailureLimit: number;
  webhookLogRetention: string;
  alertRetention: string;
  messageBodyRetention: string;
  mediaRetention: string;
  recordingRetention: string;
  retentionIntervalMs: number;
  lookupCache: boolean;
  pgPreparedStatements: boolean;
  workers: number;
}

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: '--host', env: 'SWITCHBOARD_HOST', type: 'string', default: '127.0.0.1', help: 'address the HTTP API binds to' },
  { key: 'port', flag: '--port', env: 'SWITCHBOARD_PORT', type: 'int', default: 4242, help: 'HTTP API port (0 picks a free one)' },
  {
    key: 'workers',
    flag: '--workers',
    env: 'SWITCHBOARD_WORKERS',
    type: 'int',
    default: 1,
    help: 'worker processes on this machine sharing the HTTP port, each a node of the cluster (more than 1 needs PostgreSQL; SIP runs in worker 1)',
  },
  {
    key: 'databaseUrl',
    flag: '--database-url',
    env: 'SWITCHBOARD_DATABASE_URL',
    type: 'string',
    default: undefined,
    help: 'SQLite file path, :memory:, or postgres://... (default: <data-dir>/switchboard.db)',
  },
  {
    key: 'publicUrl',
    flag: '--public-url',
    env: 'SWITCHBOARD_PUBLIC_URL',
    type: 'string',
    default: undefined,
    help: 'base URL for absolute links in responses (default: http://HOST:PORT)',
  },
  {
    key: 'accountSid',
    flag: '--account-sid',
    env: 'SWITCHBOARD_ACCOUNT_SID',
    type: 'string',
    default: undefined,
    help: 'fixed root account SID (AC + 32 hex); otherwise generated once and kept',
  },
  {
    key: 'authToken',
    flag: '--auth-token',
    env: 'SWITCHBOARD_AUTH_TOKEN',
    type: 'string',
    default: undefined,
    help: 'fixed root auth token (at least 32 characters); otherwise generated once, kept, and shown only on that first start',
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'SWITCHBOARD_DATA_DIR',
    type: 'string',
    default: './data',
    help: 'folder for the SQLite file, media and recordings',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'SWITCHBOARD_LOG_LEVEL',
    type: 'string',
    default: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    key: 'sipPort',
    flag: '--sip-port',
    env: 'SWITCHBOARD_SIP_PORT',
    type: 'int',
    default: 5060,
    help: 'SIP port, UDP and TCP (0 picks a free one, -1 disables SIP)',
  },
  { key: 'sipHost', flag: '--sip-host', env: 'SWITCHBOARD_SIP_HOST', type: 'string', default: '127.0.0.1', help: 'address SIP and RTP bind to' },
  {
    key: 'sipPublicHost',
    flag: '--sip-public-host',
    env: 'SWITCHBOARD_SIP_PUBLIC_HOST',
    type: 'string',
    default: undefined,
    help: 'address written in SIP Contact/Via and SDP (default: the SIP host, 127.0.0.1 when it is 0.0.0.0)',
  },
  {
    key: 'sipTrunk',
    flag: '--sip-trunk',
    env: 'SWITCHBOARD_SIP_TRUNK',
    type: 'string',
    default: undefined,
    help: 'SIP trunk for calls to phone numbers, e.g. sip:user:secret@trunk.example.com:5060;transport=tcp;prefix=00 (see docs/voice.md); without it such calls go to virtual phones',
  },
  {
    key: 'rtpPorts',
    flag: '--rtp-ports',
    env: 'SWITCHBOARD_RTP_PORTS',
    type: 'string',
    default: undefined,
    help: 'UDP port range for RTP, e.g. 10000-20000 (default: any free port)',
  },
  {
    key: 'rtpStrict',
    flag: '--rtp-strict',
    env: 'SWITCHBOARD_RTP_STRICT',
    type: 'bool',
    default: true,
    help: 'strict RTP: take media only from the address the SDP announced or a source learned after a probation of sequential packets; false latches onto the first packet from anyone',
  },
  {
    key: 'mediaWorkers',
    flag: '--media-workers',
    env: 'SWITCHBOARD_MEDIA_WORKERS',
    type: 'int',
    default: defaultMediaWorkers(),
    help: "media engine threads that carry calls' RTP, clock, playback, recording and DTMF (default: one per core but one, at least 1: the main thread keeps a core for SIP, HTTP and the store; 0 runs media on the main thread)",
  },
  {
    key: 'mediaPriority',
    flag: '--media-priority',
    env: 'SWITCHBOARD_MEDIA_PRIORITY',
    type: 'int',
    default: 10,
    help: 'nice steps the media engine threads run above the rest of the process, so a full CPU delays call setup before audio (Linux; needs root or CAP_SYS_NICE, else they stay level; 0 leaves them level); used when real time (--media-realtime) is off or refused',
  },
  {
    key: 'mediaRealtime',
    flag: '--media-realtime',
    env: 'SWITCHBOARD_MEDIA_REALTIME',
    type: 'int',
    default: 10,
    help: 'SCHED_RR real-time priority (1-99) of the media engine threads, set with chrt, so the 20 ms clock and the relay run the moment they are due whatever else the machine does (Linux; needs root or CAP_SYS_NICE, else the nice steps of --media-priority apply); 0 turns it off',
  },
  {
    key: 'speechEngine',
    flag: '--speech-engine',
    env: 'SWITCHBOARD_SPEECH_ENGINE',
    type: 'string',
    default: 'pocketsphinx',
    help: 'speech recognition for <Gather input="speech">: pocketsphinx (offline, Debian pocketsphinx + pocketsphinx-en-us, US English), http (an OpenAI-compatible transcription endpoint, --speech-url) or none',
  },
  {
    key: 'speechConcurrency',
    flag: '--speech-concurrency',
    env: 'SWITCHBOARD_SPEECH_CONCURRENCY',
    type: 'int',
    default: 2,
    help: 'pocketsphinx: warm recognizer processes of each kind, with hints and without (each takes a core while it decodes); http: requests in flight; more utterances wait their turn',
  },
  {
    key: 'speechUrl',
    flag: '--speech-url',
    env: 'SWITCHBOARD_SPEECH_URL',
    type: 'string',
    default: undefined,
    help: 'with --speech-engine http: the transcription endpoint, e.g. http://127.0.0.1:8080/v1/audio/transcriptions (whisper.cpp, speaches, LocalAI, OpenAI; see docs/voice.md)',
  },
  {
    key: 'speechApiKey',
    flag: '--speech-api-key',
    env: 'SWITCHBOARD_SPEECH_API_KEY',
    type: 'string',
    default: undefined,
    help: 'with --speech-engine http: sent as Authorization: Bearer <key>; a secret, never logged or shown in errors (prefer the environment variable)',
  },
  {
    key: 'speechModel',
    flag: '--speech-model',
    env: 'SWITCHBOARD_SPEECH_MODEL',
    type: 'string',
    default: 'whisper-1',
    help: "with --speech-engine http: the model field sent when a Gather sets no speechModel (the Gather's speechModel wins)",
  },
  {
    key: 'speechLanguages',
    flag: '--speech-languages',
    env: 'SWITCHBOARD_SPEECH_LANGUAGES',
    type: 'string',
    default: undefined,
    help: 'with --speech-engine http: comma list of the languages the endpoint recognizes, e.g. en,es (en-US counts as en); other languages raise 13334; default any',
  },
  {
    key: 'speechTimeoutMs',
    flag: '--speech-timeout',
    env: 'SWITCHBOARD_SPEECH_TIMEOUT_MS',
    type: 'int',
    default: 10_000,
    help: 'with --speech-engine http: longest wait for an answer in milliseconds, plus 100 ms per second of audio; then the recognition fails with an alert',
  },
  {
    key: 'rtpProbation',
    flag: '--rtp-probation',
    env: 'SWITCHBOARD_RTP_PROBATION',
    type: 'int',
    default: 4,
    help: 'sequential packets of one SSRC before strict RTP learns a source other than the SDP address',
  },
  {
    key: 'sipInviteRate',
    flag: '--sip-invite-rate',
    env: 'SWITCHBOARD_SIP_INVITE_RATE',
    type: 'int',
    default: 10,
    help: 'new INVITEs per second per source IP outside the trusted sources (beyond: 503, then dropped); 0 disables',
  },
  {
    key: 'sipInviteBurst',
    flag: '--sip-invite-burst',
    env: 'SWITCHBOARD_SIP_INVITE_BURST',
    type: 'int',
    default: 20,
    help: 'INVITEs one source may send at once before the INVITE rate applies',
  },
  {
    key: 'sipTrustedSources',
    flag: '--sip-trusted-sources',
    env: 'SWITCHBOARD_SIP_TRUSTED_SOURCES',
    type: 'string',
    default: undefined,
    help: 'IPs and networks allowed to send INVITEs, e.g. 203.0.113.0/24,198.51.100.7 (your trunk); others get 403 or, with SIP peers set, a digest challenge (default: any source)',
  },
  {
    key: 'sipPeers',
    flag: '--sip-peers',
    env: 'SWITCHBOARD_SIP_PEERS',
    type: 'string',
    default: undefined,
    help: 'user:password,... SIP peers outside the trusted sources that may call in after digest authentication',
  },
  {
    key: 'maxCallsPerAccount',
    flag: '--max-calls-per-account',
    env: 'SWITCHBOARD_MAX_CALLS_PER_ACCOUNT',
    type: 'int',
    default: 100,
    help: 'concurrent calls per account on this node (SIP beyond: 486; API beyond: 429, code 10004); 0 disables',
  },
  {
    key: 'maxCallsPerNode',
    flag: '--max-calls-per-node',
    env: 'SWITCHBOARD_MAX_CALLS_PER_NODE',
    type: 'int',
    default: 500,
    help: 'concurrent calls on this node (SIP beyond: 503 with Retry-After; API beyond: 429, code 10004); 0 disables',
  },
  {
    key: 'sipTcpMaxConnections',
    flag: '--sip-tcp-max-connections',
    env: 'SWITCHBOARD_SIP_TCP_MAX_CONNECTIONS',
    type: 'int',
    default: 512,
    help: 'inbound SIP TCP connections open at once; more are closed at once (0 disables)',
  },
  {
    key: 'sipTcpMaxPerSource',
    flag: '--sip-tcp-max-per-source',
    env: 'SWITCHBOARD_SIP_TCP_MAX_PER_SOURCE',
    type: 'int',
    default: 32,
    help: 'inbound SIP TCP connections open at once from one IP (0 disables)',
  },
  {
    key: 'sipTcpFirstMessageMs',
    flag: '--sip-tcp-first-message-ms',
    env: 'SWITCHBOARD_SIP_TCP_FIRST_MESSAGE_MS',
    type: 'int',
    default: 10_000,
    help: 'an inbound SIP TCP connection that sends no valid SIP message this long is closed',
  },
  {
    key: 'sipTcpIdleMs',
    flag: '--sip-tcp-idle-ms',
    env: 'SWITCHBOARD_SIP_TCP_IDLE_MS',
    type: 'int',
    default: 600_000,
    help: 'idle timeout of a SIP TCP connection after its first valid message',
  },
  { key: 'bodyLimit', flag: '--body-limit', env: 'SWITCHBOARD_BODY_LIMIT', type: 'int', default: 1_048_576, help: 'largest accepted request body in bytes' },
  {
    key: 'webhookTimeoutMs',
    flag: '--webhook-timeout',
    env: 'SWITCHBOARD_WEBHOOK_TIMEOUT_MS',
    type: 'int',
    default: 15_000,
    help: 'webhook request timeout in milliseconds: a deadline for the whole request, redirects and response body included (Twilio: 15 s)',
  },
  {
    key: 'webhookRetryBaseMs',
    flag: '--webhook-retry-base',
    env: 'SWITCHBOARD_WEBHOOK_RETRY_BASE_MS',
    type: 'int',
    default: 1000,
    help: 'first retry delay of a failed status callback in milliseconds; doubles per attempt, capped at 60 s',
  },
  {
    key: 'numberPool',
    flag: '--number-pool',
    env: 'SWITCHBOARD_NUMBER_POOL',
    type: 'string',
    default: undefined,
    help: 'file listing the E.164 numbers that can be bought (default: a generated pool)',
  },
  {
    key: 'simulatorLatencyMs',
    flag: '--simulator-latency',
    env: 'SWITCHBOARD_SIMULATOR_LATENCY_MS',
    type: 'int',
    default: 0,
    help: 'simulated carrier delivery latency in milliseconds',
  },
  {
    key: 'deterministic',
    flag: '--deterministic',
    env: 'SWITCHBOARD_DETERMINISTIC',
    type: 'bool',
    default: false,
    help: 'test mode: no simulated latency or random failures',
  },
  {
    key: 'mpsLongCode',
    flag: '--mps-long-code',
    env: 'SWITCHBOARD_MPS_LONG_CODE',
    type: 'int',
    default: 1,
    help: 'message segments per second per long-code sender',
  },
  {
    key: 'mpsTollFree',
    flag: '--mps-toll-free',
    env: 'SWITCHBOARD_MPS_TOLL_FREE',
    type: 'int',
    default: 3,
    help: 'message segments per second per toll-free sender',
  },
  {
    key: 'mpsShortCode',
    flag: '--mps-short-code',
    env: 'SWITCHBOARD_MPS_SHORT_CODE',
    type: 'int',
    default: 100,
    help: 'message segments per second per short-code sender',
  },
  {
    key: 'apiConcurrency',
    flag: '--api-concurrency',
    env: 'SWITCHBOARD_API_CONCURRENCY',
    type: 'int',
    default: 100,
    help: 'concurrent API requests per account across all nodes (more get 429, code 20429)',
  },
  {
    key: 'leaseMs',
    flag: '--lease-ms',
    env: 'SWITCHBOARD_LEASE_MS',
    type: 'int',
    default: 30_000,
    help: 'how long a node holds claimed send work, and the leases on its live calls, before another node may take them over (a node silent this long is dead: its calls are ended)',
  },
  {
    key: 'nodeUrl',
    flag: '--node-url',
    env: 'SWITCHBOARD_NODE_URL',
    type: 'string',
    default: undefined,
    help: "how the other nodes sharing a PostgreSQL database reach this node's HTTP API, to control the calls it runs, e.g. http://10.0.0.5:4242 (default: the address the API listens on; when that is 0.0.0.0, the SIP public host, else this machine's name)",
  },
  {
    key: 'outboundDeny',
    flag: '--outbound-deny',
    env: 'SWITCHBOARD_OUTBOUND_DENY',
    type: 'string',
    default: undefined,
    help: 'comma list of networks (CIDR or address) webhooks, TwiML, MediaUrl and <Play> fetches may not reach; "private" stands for loopback, private, link-local, CGNAT, multicast and reserved ranges, "none" for nothing (default: private when --host is not loopback, none when it is)',
  },
  {
    key: 'outboundAllow',
    flag: '--outbound-allow',
    env: 'SWITCHBOARD_OUTBOUND_ALLOW',
    type: 'string',
    default: undefined,
    help: 'comma list of networks (CIDR or address) let through even when on the deny list, e.g. your app servers at 10.0.0.0/24',
  },
  {
    key: 'mediaAuth',
    flag: '--media-auth',
    env: 'SWITCHBOARD_MEDIA_AUTH',
    type: 'bool',
    default: false,
    help: 'MMS media (/media/ME...) and recording audio (.wav/.mp3) need HTTP Basic auth with the owning account\'s credentials, as Twilio\'s "Enforce HTTP Auth on Media URLs"',
  },
  {
    key: 'mediaMaxBytes',
    flag: '--media-max-bytes',
    env: 'SWITCHBOARD_MEDIA_MAX_BYTES',
    type: 'int',
    default: 5 * 1024 * 1024,
    help: 'largest MMS media file accepted, in bytes',
  },
  {
    key: 'mediaTimeoutMs',
    flag: '--media-timeout',
    env: 'SWITCHBOARD_MEDIA_TIMEOUT_MS',
    type: 'int',
    default: 15_000,
    help: "deadline for fetching all of one MMS's MediaUrl files (every redirect and byte); past it the message fails with 12300",
  },
  {
    key: 'stallMs',
    flag: '--stall-ms',
    env: 'SWITCHBOARD_STALL_MS',
    type: 'int',
    default: 60_000,
    help: '/healthz answers 503 when the send pipeline or a job worker has made no progress for this long',
  },
  {
    key: 'priceTable',
    flag: '--price-table',
    env: 'SWITCHBOARD_PRICE_TABLE',
    type: 'string',
    default: undefined,
    help: 'JSON file of unit prices per usage category, currency and starting balance (see docs/usage.md); fills price on messages and calls, Usage Records and Balance (default: nothing priced)',
  },
  {
    key: 'iceServers',
    flag: '--ice-servers',
    env: 'SWITCHBOARD_ICE_SERVERS',
    type: 'string',
    default: undefined,
    help: 'STUN/TURN servers the Tokens resource hands out: comma list of stun:/turn:/turns: URLs, TURN ones as turn:user:secret@host:port (see docs/usage.md)',
  },
  {
    key: 'carriersFile',
    flag: '--carriers-file',
    env: 'SWITCHBOARD_CARRIERS_FILE',
    type: 'string',
    default: undefined,
    help: 'JSON file of SMPP carriers and their routes (see docs/smpp.md); more can be added through /switchboard/v1/Carriers',
  },
  {
    key: 'simulatorFailureRate',
    flag: '--simulator-failure-rate',
    env: 'SWITCHBOARD_SIMULATOR_FAILURE_RATE',
    type: 'int',
    default: 0,
    help: 'percent of simulated deliveries that come back undelivered (30003)',
  },
  {
    key: 'videoWorkers',
    flag: '--video-workers',
    env: 'SWITCHBOARD_VIDEO_WORKERS',
    type: 'int',
    default: 0,
    help: 'SFU worker threads for video rooms (0: one per core, at most 8)',
  },
  {
    key: 'videoPorts',
    flag: '--video-ports',
    env: 'SWITCHBOARD_VIDEO_PORTS',
    type: 'string',
    default: undefined,
    help: 'UDP port range for video media (WebRTC), e.g. 40000-40999 (default: any free port)',
  },
  {
    key: 'videoPublicIp',
    flag: '--video-public-ip',
    env: 'SWITCHBOARD_VIDEO_PUBLIC_IP',
    type: 'string',
    default: undefined,
    help: 'IPv4 address browsers should send video media to, when the server is behind 1:1 NAT',
  },
  {
    key: 'videoDemo',
    flag: '--video-demo',
    env: 'SWITCHBOARD_VIDEO_DEMO',
    type: 'bool',
    default: false,
    help: 'serve /video-demo and its token endpoint even when the API is not bound to loopback (they mint tokens for the root account: demo only)',
  },
  {
    key: 'allowedHosts',
    flag: '--allowed-hosts',
    env: 'SWITCHBOARD_ALLOWED_HOSTS',
    type: 'string',
    default: undefined,
    help: "comma list of host names the HTTP API answers besides loopback names, IP addresses and the public URL's host (.example.com for subdomains, * for any): the DNS-rebinding defence",
  },
  {
    key: 'authFailureLimit',
    flag: '--auth-failure-limit',
    env: 'SWITCHBOARD_AUTH_FAILURE_LIMIT',
    type: 'int',
    default: 10,
    help: 'failed logins (Basic auth or console) per source address per minute before it gets 429 (20429) until the minute ends; a SID takes 5 times as many from all sources; 0 turns the throttle off',
  },
  {
    key: 'videoReconnectMs',
    flag: '--video-reconnect-ms',
    env: 'SWITCHBOARD_VIDEO_RECONNECT_MS',
    type: 'int',
    default: 15_000,
    help: 'how long a video participant whose signalling dropped keeps its place before it is removed',
  },
  {
    key: 'webhookLogRetention',
    flag: '--webhook-log-retention',
    env: 'SWITCHBOARD_WEBHOOK_LOG_RETENTION',
    type: 'string',
    default: '7d',
    help: 'how long webhook request records (the inspector, Monitor Events) are kept: a duration such as 7d, 12h or 30m, or off to keep them for ever',
  },
  {
    key: 'alertRetention',
    flag: '--alert-retention',
    env: 'SWITCHBOARD_ALERT_RETENTION',
    type: 'string',
    default: '30d',
    help: 'how long alerts (Monitor Alerts, Notifications, the debugger) are kept, as Twilio keeps them 30 days; a duration or off',
  },
  {
    key: 'messageBodyRetention',
    flag: '--message-body-retention',
    env: 'SWITCHBOARD_MESSAGE_BODY_RETENTION',
    type: 'string',
    default: 'off',
    help: 'after this long a message body is redacted (emptied, as Body="" does) and virtual phones\' copies deleted; the message itself stays; a duration or off',
  },
  {
    key: 'mediaRetention',
    flag: '--media-retention',
    env: 'SWITCHBOARD_MEDIA_RETENTION',
    type: 'string',
    default: 'off',
    help: 'how long MMS media files are kept (the message keeps NumMedia); a duration or off',
  },
  {
    key: 'recordingRetention',
    flag: '--recording-retention',
    env: 'SWITCHBOARD_RECORDING_RETENTION',
    type: 'string',
    default: 'off',
    help: 'how long call recordings (audio and resource) are kept; a duration or off',
  },
  {
    key: 'retentionIntervalMs',
    flag: '--retention-interval-ms',
    env: 'SWITCHBOARD_RETENTION_INTERVAL_MS',
    type: 'int',
    default: 60_000,
    help: 'time between two rounds of the retention pruner, which removes expired records in batches of 500 (at least 1000)',
  },
  {
    key: 'lookupCache',
    flag: '--lookup-cache',
    env: 'SWITCHBOARD_LOOKUP_CACHE',
    type: 'bool',
    default: true,
    help: 'keep the account, number and opt-out rows every message reads in memory, invalidated on every write; false reads them from the database each time',
  },
  {
    key: 'pgPreparedStatements',
    flag: '--pg-prepared-statements',
    env: 'SWITCHBOARD_PG_PREPARED_STATEMENTS',
    type: 'bool',
    default: true,
    help: 'PostgreSQL: run the frequent queries as named prepared statements, parsed and planned once per connection; false behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21)',
  },
];
