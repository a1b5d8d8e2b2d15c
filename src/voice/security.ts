/**
 * Voice's defences against the network, in one place: their settings (named like the config keys, already
 * parsed by src/config/resolve.ts) and the metrics that show them at work. docs/voice.md, "Security".
 */
import { Counter, type Registry } from 'prom-client';
import type { RtpDropCounters } from './media/index.js';
import type { GuardCounters, TcpCounters } from './sip/index.js';

/** The settings, named as in the config; the SIP lists come parsed and validated. */
export interface VoiceSecurity {
  rtpStrict: boolean;
  rtpProbation: number;
  sipInviteRate: number;
  sipInviteBurst: number;
  /** Networks whose INVITEs go through unchallenged (each a valid address or CIDR); null: any source. */
  sipTrustedSources: string[] | null;
  /** username -> password of the peers that may call in after a digest challenge. */
  sipPeers: ReadonlyMap<string, string>;
  maxCallsPerAccount: number;
  maxCallsPerNode: number;
  sipTcpMaxConnections: number;
  sipTcpMaxPerSource: number;
  sipTcpFirstMessageMs: number;
  sipTcpIdleMs: number;
}

export const DEFAULT_SECURITY: VoiceSecurity = {
  rtpStrict: true,
  rtpProbation: 4,
  sipInviteRate: 10,
  sipInviteBurst: 20,
  sipTrustedSources: null,
  sipPeers: new Map(),
  maxCallsPerAccount: 100,
  maxCallsPerNode: 500,
  sipTcpMaxConnections: 512,
  sipTcpMaxPerSource: 32,
  sipTcpFirstMessageMs: 10_000,
  sipTcpIdleMs: 600_000,
};

export interface SecurityCounters {
  rtp: RtpDropCounters;
  invites: GuardCounters;
  tcp: TcpCounters;
  /** Calls refused at the concurrency caps (SIP and REST). */
  calls: { account: number; node: number };
}

/** Counters kept as plain numbers by their owners (the RTP path increments a field) and read on scrape. */
export function registerSecurityMetrics(registry: Registry, c: SecurityCounters): void {
  const counter = (name: string, help: string, label: string, read: () => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [value, n] of Object.entries(read())) if (n > 0) this.inc({ [label]: value }, n);
      },
    });
  counter('switchboard_rtp_packets_dropped_total', 'RTP packets strict RTP dropped: from an unknown source, or an SSRC still on probation', 'reason', () => ({
    source: c.rtp.source,
    ssrc: c.rtp.ssrc,
  }));
  counter(
    'switchboard_sip_invites_refused_total',
    'New INVITEs refused: over the per-source rate, forbidden (untrusted or bad credentials), challenged, or over a call cap',
    'reason',
    () => ({
      rate: c.invites.rate,
      forbidden: c.invites.forbidden,
      challenged: c.invites.challenged,
      account_limit: c.calls.account,
      node_limit: c.calls.node,
    }),
  );
  counter(
    'switchboard_sip_tcp_connections_closed_total',
    'Inbound SIP TCP connections refused at the caps or closed for sending no valid request in time',
    'reason',
    () => ({ limit: c.tcp.refused, idle: c.tcp.idleClosed }),
  );
}
