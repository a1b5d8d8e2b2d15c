/**
 * Queues and conferences across voice nodes (docs/architecture.md, "Voice on several nodes"): the two
 * control operations that open a media link between nodes for them, and the dialers' side of each.
 * - `queues.take`: an agent's node took a caller's member row from the shared line; the caller's node
 *   hands that caller over (queues/remote.ts).
 * - `conferences.join`: a caller's node joins the conference that runs on another node
 *   (conferences/remote.ts).
 * - `conferences.change`: a REST change (end, announce, mute/hold/coach, kick) received by a node that does
 *   not run the conference.
 * - `clients.ring`: a call to `client:<identity>` rings the devices connected to another node
 *   (client/remote.ts).
 * Built only with several nodes (PostgreSQL); one node never reaches this file.
 */
import type { ConferencesRepository } from '../store/repositories/conferences.js';
import type { QueueMemberRow } from '../store/repositories/queues.js';
import type { CallRow } from '../store/repositories/calls.js';
import type { AudioCache } from './audio/fetch.js';
import type { Placing } from './calls/dialer.js';
import type { Connector } from './calls/peer.js';
import type { VoiceClients } from './client/index.js';
import { RemoteClientConnector, serveRemoteRing, type RemotePlacing } from './client/remote.js';
import { RemoteConferenceParty, serveRemoteParticipant } from './conferences/remote.js';
import type { ConferenceRuntime } from './conferences/runtime.js';
import { applyHere, type OwnerChange } from './conferences/service.js';
import type { JoinSettings } from './conferences/types.js';
import type { DialContext, Party } from './dial/types.js';
import type { CallLeg } from './legs/types.js';
import { SipLeg } from './legs/sip-leg.js';
import type { CrossLinks, LinkAnswer, LinkEnd, LinkHalf } from './nodes/media-link.js';
import { NodeUnreachable, type NodeControl } from './nodes/control.js';
import type { NodeRegistry } from './nodes/registry.js';
import type { Dequeuer } from './queues/handoff.js';
import { RemoteQueueParty, serveRemoteAgent } from './queues/remote.js';
import type { QueueRuntime } from './queues/runtime.js';
import type { TtsEngine } from './tts/index.js';

export interface CrossNodeDeps {
  links: CrossLinks;
  control: NodeControl;
  registry: Pick<NodeRegistry, 'find' | 'isAlive'>;
  nodeId: string;
  queues: QueueRuntime;
  conferences: ConferenceRuntime;
  conferenceRepo: Pick<ConferencesRepository, 'findLive'>;
  clients: VoiceClients;
  tts: TtsEngine;
  audio: AudioCache;
  now: () => number;
}

interface JoinAnswer extends LinkAnswer {
  full?: boolean;
}

export class CrossNode {
  constructor(private readonly d: CrossNodeDeps) {
    d.control.register('queues.take', (a) => this.serveTake(a as { callSid: string; dequeuer: Dequeuer; link: LinkEnd }));
    d.control.register('conferences.join', (a) => this.serveJoin(a as { conferenceSid: string; call: CallRow; settings: JoinSettings; link: LinkEnd }));
    d.control.register('conferences.change', (a) => applyHere(d.conferences, a as OwnerChange));
    d.control.register('clients.ring', (a) => this.serveRing(a as { placing: RemotePlacing; identity: string; link: LinkEnd }));
  }

  /** A REST change to a conference another node runs (voice/conferences/service.ts); false when it cannot be made there. */
  async toConferenceNode(node: string, change: OwnerChange): Promise<boolean> {
    const row = await this.d.registry.find(node);
    if (!row || !this.d.registry.isAlive(row)) return false;
    try {
      return await this.d.control.send<boolean>(row, 'conferences.change', change);
    } catch (err) {
      if (err instanceof NodeUnreachable) return false;
      throw err;
    }
  }

  /** Calls to `client:<identity>`: rung here when a device is connected here, else on the node that has one. */
  clientConnector(local: Connector, placing: Placing, identity: string): Connector {
    return new RemoteClientConnector(
      {
        hasLocal: (accountSid, id) => this.d.clients.gateway.devices(accountSid, id).length > 0,
        ringElsewhere: (p, id) => this.ringElsewhere(p, id),
        legOver: (half) => new SipLeg(half.relay, this.d.tts, this.d.audio),
      },
      local,
      placing,
      identity,
    );
  }

  /** Asks the other nodes in turn; the first with a device of `identity` rings it. */
  private async ringElsewhere(placing: Placing, identity: string): Promise<LinkHalf | null> {
    const { near, ...rest } = placing;
    for (const node of await this.d.links.others()) {
      const { link } = await this.d.links.open<LinkAnswer>(node.id, near, 'clients.ring', { placing: rest, identity }).catch(() => ({ link: null }));
      if (link) return link;
    }
    return null;
  }

  private async serveRing(a: { placing: RemotePlacing; identity: string; link: LinkEnd }): Promise<LinkAnswer> {
    if (this.d.clients.gateway.devices(a.placing.accountSid, a.identity).length === 0) return { far: null };
    const { link, far } = await this.d.links.accept(a.link);
    // The device's leg opens beside the relay, so the two can be bridged on one engine thread.
    const connector = this.d.clients.connector({ ...a.placing, near: link.relay }, a.identity);
    serveRemoteRing(link, (onRinging) => connector.connect(onRinging));
    return { far };
  }

  /** The agent's node: connects the agent to the caller `row` on another node; null when it left meanwhile. */
  async takeQueued(row: QueueMemberRow, dequeuer: Dequeuer, agentLeg: CallLeg): Promise<Party | null> {
    const media = agentLeg.media;
    if (!media) return null;
    const { link } = await this.d.links.open<LinkAnswer>(row.node_id, media, 'queues.take', { callSid: row.call_sid, dequeuer });
    return link ? new RemoteQueueParty(row.call_sid, link, agentLeg, this.d.now) : null;
  }

  /** The caller's node: joins the live conference of this name when another node runs it (null: none). */
  async joinConference(accountSid: string, name: string, ctx: DialContext, settings: JoinSettings): Promise<Party | 'full' | null> {
    const media = ctx.callerLeg.media;
    if (!media) return null;
    const row = await this.d.conferenceRepo.findLive(accountSid, name);
    if (!row || row.node_id === this.d.nodeId) return null;
    const { link, answer } = await this.d.links.open<JoinAnswer>(row.node_id, media, 'conferences.join', {
      conferenceSid: row.sid,
      call: ctx.parent,
      settings,
    });
    if (answer.full === true) return 'full';
    return link ? new RemoteConferenceParty(link, ctx.callerLeg, this.d.now) : null;
  }

  private async serveTake(a: { callSid: string; dequeuer: Dequeuer; link: LinkEnd }): Promise<JoinAnswer> {
    const got = this.d.queues.take(a.callSid, a.dequeuer);
    const media = got?.callerLeg.media;
    if (!got || !media) {
      got?.handoff.release();
      return { far: null };
    }
    try {
      const { link, far } = await this.d.links.accept(a.link, media);
      serveRemoteAgent(got.handoff, got.callerLeg, link, this.d.now);
      return { far };
    } catch (err) {
      got.handoff.release();
      throw err;
    }
  }

  private async serveJoin(a: { conferenceSid: string; call: CallRow; settings: JoinSettings; link: LinkEnd }): Promise<JoinAnswer> {
    const room = this.d.conferences.live(a.conferenceSid);
    // Another account's conference is not joined, whatever the asking node says.
    if (!room || room.status === 'completed' || room.accountSid !== a.call.account_sid) return { far: null };
    if (room.full) return { far: null, full: true };
    const { link, far } = await this.d.links.accept(a.link);
    const call = a.call;
    const p = await this.d.conferences.join(room, () => call, new SipLeg(link.relay, this.d.tts, this.d.audio), a.settings);
    serveRemoteParticipant(p, link, (x) => this.d.conferences.leave(x));
    return { far };
  }
}
