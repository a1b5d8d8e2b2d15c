/**
 * The settings that take more than a type check (files to read, lists and URIs to parse), parsed once before
 * anything opens, so a bad file leaves nothing to close. A mistake is a ConfigError that starts with the
 * option's flag and env var, which `switchboard start` prints before exiting with code 2.
 *
 * The parsers stay beside the code that uses what they return (the Carriers API checks a carrier with the
 * carriers file's rules; the guard and the dialler own their settings' shapes): this file calls them and
 * names the option. So config/ sits just under main.ts, and products never import it.
 */
import { OutboundPolicy, OutboundPolicyError } from '../core/net/outbound-policy.js';
import { CarrierConfigError, loadCarriersFile, type CarrierConfig } from '../messaging/carriers/config.js';
import { parseRetention, RetentionError, type RetentionPolicy } from '../retention/policy.js';
import { IceServersError, parseIceServers, type IceServerSpec } from '../traversal/ice-servers.js';
import { loadPriceTable, PriceTableError, UNPRICED, type PriceTable } from '../usage/price-table.js';
import { GuardConfigError, parseNetworks, parsePeers } from '../voice/sip/index.js';
import { parseSpeechEngine, parseSpeechLanguages, parseSpeechUrl, SpeechConfigError, type SpeechSettings } from '../voice/speech/index.js';
import { parseTrunk, TrunkConfigError, type SipTrunk } from '../voice/trunk.js';
import { ConfigError } from './load.js';
import { OPTIONS, type Config } from './schema.js';

export interface PortRange {
  min: number;
  max: number;
}

export interface ResolvedSettings {
  rtpPorts: PortRange | null;
  videoPorts: PortRange | null;
  carriers: CarrierConfig[];
  iceServers: IceServerSpec[];
  priceTable: PriceTable;
  sipTrunk: SipTrunk | null;
  /** Each entry a valid address or CIDR network; null: INVITEs from any source. */
  sipTrustedSources: string[] | null;
  sipPeers: Map<string, string>;
  /** How long each kind of record is kept (null: for ever). */
  retention: RetentionPolicy;
  /** For setOutboundPolicy: process-wide, so main.ts installs it. */
  outboundPolicy: OutboundPolicy;
  /** The speech engine and its options, for createSpeechRecognizer. */
  speech: SpeechSettings;
}

class PortRangeError extends Error {}

/** Throws ConfigError naming the first option whose value is wrong. */
export function resolveSettings(config: Config): ResolvedSettings {
  const { carriersFile, iceServers, priceTable, sipTrunk, sipTrustedSources, sipPeers, rtpPorts, videoPorts } = config;
  return {
    // An RTP session needs a pair of ports (RTP and RTCP), so its range holds at least two.
    rtpPorts: option('rtpPorts', PortRangeError, () => (rtpPorts === undefined ? null : portRange(rtpPorts, '10000-20000', 2))),
    videoPorts: option('videoPorts', PortRangeError, () => (videoPorts ? portRange(videoPorts, '40000-40999', 1) : null)),
    carriers: option('carriersFile', CarrierConfigError, () => (carriersFile ? loadCarriersFile(carriersFile) : [])),
    iceServers: option('iceServers', IceServersError, () => (iceServers ? parseIceServers(iceServers) : [])),
    priceTable: option('priceTable', PriceTableError, () => (priceTable ? loadPriceTable(priceTable) : UNPRICED)),
    sipTrunk: option('sipTrunk', TrunkConfigError, () => (sipTrunk ? parseTrunk(sipTrunk) : null)),
    sipTrustedSources: option('sipTrustedSources', GuardConfigError, () => {
      if (!sipTrustedSources) return null;
      const entries = sipTrustedSources.split(',');
      parseNetworks(entries);
      return entries;
    }),
    sipPeers: option('sipPeers', GuardConfigError, () => parsePeers(sipPeers)),
    retention: {
      webhookLog: option('webhookLogRetention', RetentionError, () => parseRetention(config.webhookLogRetention)),
      alerts: option('alertRetention', RetentionError, () => parseRetention(config.alertRetention)),
      messageBodies: option('messageBodyRetention', RetentionError, () => parseRetention(config.messageBodyRetention)),
      media: option('mediaRetention', RetentionError, () => parseRetention(config.mediaRetention)),
      recordings: option('recordingRetention', RetentionError, () => parseRetention(config.recordingRetention)),
    },
    outboundPolicy: outboundPolicy(config),
    speech: speechSettings(config),
  };
}

/** The http engine's options are checked only when it is chosen: a stale --speech-url does not stop pocketsphinx. */
function speechSettings(config: Config): SpeechSettings {
  const engine = option('speechEngine', SpeechConfigError, () => parseSpeechEngine(config.speechEngine));
  if (engine === 'none') return { engine };
  if (engine === 'pocketsphinx') return { engine, maxConcurrent: config.speechConcurrency };
  return {
    engine,
    url: option('speechUrl', SpeechConfigError, () => parseSpeechUrl(config.speechUrl)),
    apiKey: config.speechApiKey,
    model: config.speechModel,
    languages: option('speechLanguages', SpeechConfigError, () => parseSpeechLanguages(config.speechLanguages)),
    timeoutMs: config.speechTimeoutMs,
    maxConcurrent: config.speechConcurrency,
  };
}

/** Each list is checked alone first, so the error names the list the bad entry is in. */
function outboundPolicy(config: Config): OutboundPolicy {
  option('outboundDeny', OutboundPolicyError, () => OutboundPolicy.fromSettings(config.host, config.outboundDeny, undefined));
  return option('outboundAllow', OutboundPolicyError, () => OutboundPolicy.fromSettings(config.host, config.outboundDeny, config.outboundAllow));
}

/** `MIN-MAX` within 1024-65535, ascending, with room for `minPorts` ports. */
function portRange(value: string, example: string, minPorts: number): PortRange {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1024 || max > 65535 || max - min < minPorts) {
    throw new PortRangeError(`must be a range such as ${example} (ascending, within 1024-65535), got "${value}"`);
  }
  return { min, max };
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Runs one option's parser; its own error class becomes a ConfigError that names the option. */
function option<T>(key: keyof Config, expected: ErrorClass, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof expected) throw new ConfigError(`${optionName(key)}: ${err.message}`);
    throw err;
  }
}

function optionName(key: keyof Config): string {
  const spec = OPTIONS.find((o) => o.key === key);
  return spec ? `${spec.flag} (${spec.env})` : key;
}
