/** Test glue joining a SIP call to an RTP session, the way the voice product will. */
import { createAnswer, createOffer, parseAnswer, RtpSession } from '../../src/voice/media/index.js';
import type { IncomingCall } from '../../src/voice/sip/incoming-call.js';
import type { SipEndpoint } from '../../src/voice/sip/endpoint.js';
import type { InviteOptions, InviteOutcome, OutgoingCall } from '../../src/voice/sip/outgoing-call.js';

/** Answers with an RTP session bound on 127.0.0.1; rejects 488 when no codec matches. */
export async function answerWithMedia(call: IncomingCall): Promise<RtpSession | null> {
  const rtp = await RtpSession.open({ host: '127.0.0.1' });
  const answer = createAnswer(call.remoteSdp ?? '', { address: '127.0.0.1', port: rtp.port });
  if (!answer.ok) {
    call.reject(488);
    await rtp.close();
    return null;
  }
  rtp.setCodec(answer.media.codec, answer.media.dtmfPayloadType);
  rtp.setRemote(answer.media.remoteAddress, answer.media.remotePort);
  call.once('terminated', () => void rtp.close());
  await call.answer(answer.sdp);
  return rtp;
}

export async function dialWithMedia(
  ep: SipEndpoint,
  target: string,
  options: InviteOptions = {},
): Promise<{ call: OutgoingCall; rtp: RtpSession; outcome: InviteOutcome }> {
  const rtp = await RtpSession.open({ host: '127.0.0.1' });
  const call = ep.invite(target, createOffer({ address: '127.0.0.1', port: rtp.port }), options);
  call.once('terminated', () => void rtp.close());
  const outcome = await call.result;
  if (outcome.kind === 'answered') {
    const media = parseAnswer(outcome.sdp);
    if (media) {
      rtp.setCodec(media.codec, media.dtmfPayloadType);
      rtp.setRemote(media.remoteAddress, media.remotePort);
    }
  } else await rtp.close();
  return { call, rtp, outcome };
}
