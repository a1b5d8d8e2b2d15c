/** A virtual phone calling one of the account's numbers: an inbound call, with no SIP peer needed. */
import { errors } from '../../core/errors.js';
import { toE164 } from '../../core/phone/e164.js';
import type { CallRow } from '../../store/repositories/calls.js';
import type { PhoneNumbersRepository } from '../../store/repositories/phone-numbers.js';
import type { InboundCalls } from '../calls/inbound.js';
import type { CallPeer } from '../calls/peer.js';
import type { DocumentSource } from '../interpreter.js';
import type { VirtualBehavior } from './behavior.js';
import type { VirtualPhones } from './phones.js';

export interface VirtualCallsDeps {
  numbers: PhoneNumbersRepository;
  inbound: InboundCalls;
  phones: VirtualPhones;
  start: (row: CallRow, peer: CallPeer, first: DocumentSource) => Promise<void>;
}

export class VirtualCalls {
  constructor(private readonly d: VirtualCallsDeps) {}

  /**
   * The phone dials `to`; it presses `digits` (one entry per Gather/Record), says or plays `audio` and
   * presses `digitsAt` once answered, and may hang up after a while.
   */
  async call(
    accountSid: string,
    phone: string,
    to: string,
    behavior: Pick<VirtualBehavior, 'digits' | 'hangupAfterSeconds'> & Partial<Pick<VirtualBehavior, 'audio' | 'digitsAt'>>,
  ): Promise<CallRow> {
    const from = toE164(phone);
    if (!from) throw errors.invalidParameter('PhoneNumber', 'is not a phone number');
    const target = toE164(to);
    if (!target) throw errors.callInvalidTo(to);
    if (await this.d.numbers.findByNumber(from)) throw errors.invalidParameter('PhoneNumber', 'is a number an account owns, not a virtual phone');
    const owner = await this.d.numbers.findByNumber(target);
    if (!owner || owner.account_sid !== accountSid) throw errors.invalidParameter('To', 'must be one of your phone numbers');
    const voice = await this.d.inbound.target(owner);
    if (!voice) throw errors.invalidParameter('To', 'has no VoiceUrl or Voice Application to answer the call');
    const row = this.d.inbound.row(owner, from, 'virtual', voice, undefined, { callerName: await this.d.inbound.callerName(voice, from) });
    const peer = await this.d.phones.peer(
      { sid: row.sid, accountSid, phone: from },
      { answer: 'answer', ringSeconds: 0, audio: [], digitsAt: [], ...behavior },
    );
    await this.d.start(row, peer, voice.source);
    return row;
  }
}
