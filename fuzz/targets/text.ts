/**
 * Text parsers: TwiML (documented never to throw; every failure is an alert), SDP offers and answers
 * (a result or `malformed` / null) and video access tokens (only ApiError, with a 2010x code).
 */
import { createHmac } from 'node:crypto';
import { ApiError } from '../../src/core/errors.js';
import { parseTwiml } from '../../src/twiml/index.js';
import { createAnswer, createOffer, parseAnswer } from '../../src/voice/media/sdp.js';
import { mintAccessToken, verifyAccessToken } from '../../src/video/token.js';
import type { Rng, Target } from '../engine.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

const VOICE = [
  '<Response><Say voice="Polly.Amy" language="en-GB" loop="2">Hello &amp; welcome</Say><Pause length="1"/><Hangup/></Response>',
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf speech" numDigits="4" timeout="5" action="/g" method="GET" finishOnKey="#"><Say>Enter</Say><Play digits="w1"/></Gather><Redirect method="POST">/next</Redirect></Response>',
  '<Response><Dial callerId="+15550001111" timeout="20" record="record-from-answer" action="/d"><Number sendDigits="ww1">+15551230000</Number><Sip username="u" password="p">sip:x@example.com;transport=tcp</Sip><Client><Identity>bob</Identity><Parameter name="a" value="b"/></Client></Dial></Response>',
  '<Response><Dial><Conference startConferenceOnEnter="true" beep="onEnter" statusCallbackEvent="start end join">Room 1</Conference></Dial><Enqueue waitUrl="/w">support</Enqueue><Leave/></Response>',
  '<Response><Record maxLength="30" playBeep="false" trim="trim-silence" recordingStatusCallback="/r"/><Reject reason="busy"/></Response>',
  '<Response><Connect><Stream url="wss://example.com/s"><Parameter name="x" value="1"/></Stream></Connect><Start><Stream url="wss://e/s" track="both_tracks"/></Start><Stop><Stream name="s"/></Stop></Response>',
  '<Response><Say><speak><prosody rate="slow">Hi</prosody><break time="1s"/><say-as interpret-as="digits">123</say-as></speak></Say><Play loop="0">https://example.com/a.mp3</Play></Response>',
];
const MESSAGING = [
  '<Response><Message to="+15551230000" from="+15550001111" action="/s" method="POST"><Body>Hi there</Body><Media>https://example.com/a.png</Media></Message></Response>',
  '<Response><Message>Plain text with <![CDATA[ <cdata> ]]> and &#x1F600;</Message><Redirect>/more</Redirect></Response>',
  '<Response><Sms to="+1555">legacy</Sms></Response>',
  '<Response/>',
];
const TWIML_DICT = [
  '<',
  '>',
  '</',
  '/>',
  '&',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '&lt;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?xml ?>',
  '<!DOCTYPE x>',
  '"',
  "'",
  '=',
  ' loop="',
  ' timeout="',
  '<Say>',
  '</Say>',
  '<Dial>',
  '<Number>',
  '<Gather>',
  '<Response>',
  '</Response>',
  'xmlns="x"',
  '\u0000',
  '\uFFFF',
  '\uD800',
];

export const twiml: Target = {
  name: 'twiml',
  seeds: [...VOICE, ...MESSAGING].map(b),
  maxLength: 70 * 1024,
  dictionary: TWIML_DICT,
  generate(r) {
    // Random nesting of known element names and attributes.
    const names = [
      'Say',
      'Play',
      'Gather',
      'Dial',
      'Number',
      'Sip',
      'Client',
      'Conference',
      'Queue',
      'Record',
      'Redirect',
      'Pause',
      'Message',
      'Body',
      'Media',
      'Connect',
      'Stream',
      'Parameter',
      'speak',
      'x',
    ];
    const attrs = ['loop', 'timeout', 'numDigits', 'length', 'action', 'method', 'url', 'voice', 'maxLength', 'input', 'digits', 'to'];
    const values = ['1', '-1', '0', '99999999999', 'GET', 'x', '', '/a', 'https://e/x', 'true', '1.5', 'dtmf'];
    const node = (depth: number): string => {
      const n = pick(r, names);
      const a = Array.from({ length: int(r, 3) }, () => ` ${pick(r, attrs)}="${pick(r, values)}"`).join('');
      const kids = depth < 4 ? Array.from({ length: int(r, 3) }, () => (r() < 0.4 ? 'text' : node(depth + 1))).join('') : '';
      return `<${n}${a}>${kids}</${n}>`;
    };
    return b(`<Response>${Array.from({ length: 1 + int(r, 4) }, () => node(0)).join('')}</Response>`);
  },
  run(input) {
    const text = input.toString('utf8');
    for (const dialect of ['voice', 'messaging'] as const) {
      const res = parseTwiml(text, { dialect });
      // The catch-all branch of parseTwiml turns our own bugs into 12100 "could not be parsed": a finding.
      if (!res.ok && res.alert.message.startsWith('The document could not be parsed'))
        return `caught internal error: ${res.alert.message.replace(/\d+/g, 'N').slice(0, 100)}`;
      if (res.ok && !Array.isArray(res.verbs)) return 'ok without verbs';
    }
    return null;
  },
};

const OFFERS = [
  createOffer({ address: '10.0.0.1', port: 4000 }),
  createOffer({ address: '2001:db8::1', port: 65534, codecs: ['PCMA'], dtmf: false, direction: 'sendonly' }),
  'v=0\r\no=user 2890844526 2890844526 IN IP4 host.example.com\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 96 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=recvonly\r\nm=video 51372 RTP/AVP 31\r\n',
  'v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n',
];

export const sdp: Target = {
  name: 'sdp',
  seeds: OFFERS.map(b),
  maxLength: 16 * 1024,
  dictionary: [
    '\r\n',
    '\n',
    '=',
    ':',
    ' ',
    '/',
    'm=audio ',
    'c=IN IP4 ',
    'c=IN IP6 ',
    'a=rtpmap:',
    'a=fmtp:',
    'a=ptime:',
    'a=inactive',
    'RTP/AVP',
    '65536',
    '-1',
    'a=rtcp:',
  ],
  run(input) {
    const text = input.toString('latin1');
    const res = createAnswer(text, { address: '127.0.0.1', port: 20000 });
    const media = res.ok ? res.media : parseAnswer(text);
    if (media && (!Number.isInteger(media.remotePort) || media.remotePort < 0 || media.remotePort > 65535))
      return `remote port ${String(media.remotePort).slice(0, 20)}`;
    if (media && !Number.isInteger(media.payloadType)) return 'payload type not an integer';
    return null;
  },
};

const ACCOUNT = `AC${'a'.repeat(32)}`;
const KEY = `SK${'b'.repeat(32)}`;
const SECRET = 'fuzz-secret';
const NOW = Date.UTC(2026, 11, 1);
const lookup = async (account: string, key: string) => (account === ACCOUNT && key === KEY ? SECRET : undefined);
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token whose header and payload are varied but correctly signed, so the checks after the signature run. */
function signedToken(r: Rng): string {
  const values: unknown[] = [null, 0, -1, 1e308, NOW / 1000 + 60, NOW / 1000 - 60, 'x', '', [], {}, true, ACCOUNT, KEY, { identity: 'a', video: {} }];
  const header: Record<string, unknown> = { typ: 'JWT', alg: pick(r, ['HS256', 'HS384', 'HS512']), cty: 'twilio-fpa;v=1' };
  const payload: Record<string, unknown> = {
    jti: `${KEY}-1`,
    iss: KEY,
    sub: ACCOUNT,
    exp: Math.floor(NOW / 1000) + 3600,
    grants: { identity: 'alice', video: { room: 'r' } },
  };
  for (let k = int(r, 3); k > 0; k--) {
    const grants = payload.grants;
    const inGrants = grants !== null && typeof grants === 'object' && !Array.isArray(grants) && r() < 0.5;
    const target = inGrants ? (grants as Record<string, unknown>) : r() < 0.3 ? header : payload;
    const keys = ['typ', 'alg', 'cty', 'iss', 'sub', 'exp', 'nbf', 'grants', 'identity', 'video', 'room'];
    target[pick(r, keys)] = structuredClone(pick(r, values)); // a copy: a shared object could end up inside itself
  }
  const hash = ({ HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as Record<string, string>)[String(header.alg)] ?? 'sha256';
  const hp = `${enc(header)}.${enc(payload)}`;
  return `${hp}.${createHmac(hash, SECRET).update(hp).digest('base64url')}`;
}

export const token: Target = {
  name: 'token',
  seeds: [mintAccessToken({ accountSid: ACCOUNT, keySid: KEY, secret: SECRET, identity: 'alice', room: 'r', nowMs: NOW }), signedToken(() => 0.99)].map(b),
  maxLength: 9000,
  dictionary: ['.', '=', '-', '_', 'eyJ', 'e30', '..'],
  generate: (r) => b(signedToken(r)),
  async run(input) {
    try {
      const g = await verifyAccessToken(input.toString('latin1'), lookup, NOW);
      if (g.accountSid !== ACCOUNT || g.keySid !== KEY || typeof g.identity !== 'string' || g.identity === '')
        return 'accepted a token without a valid issuer or identity';
    } catch (err) {
      if (err instanceof ApiError && err.code >= 20101 && err.code <= 20107) return null;
      throw err;
    }
    return null;
  },
};
