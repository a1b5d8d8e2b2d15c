import { errors } from '../../../core/errors.js';
import type { AmdSettings } from '../../../voice/amd/run.js';
import type { ParamReader } from '../../params.js';

/**
 * MachineDetection and its settings, with Twilio's bounds and defaults; undefined without MachineDetection.
 * Calls: AsyncAmd with AsyncAmdStatusCallback*. Conference participants: the detection runs before the
 * participant joins and its verdict goes to AmdStatusCallback* (`participant`).
 */
export function machineDetectionOf(p: ParamReader, kind: 'call' | 'participant' = 'call'): AmdSettings | undefined {
  const mode = p.str('MachineDetection');
  if (mode === undefined || mode === '') return undefined;
  if (mode !== 'Enable' && mode !== 'DetectMessageEnd') throw errors.invalidParameter('MachineDetection', 'Enable or DetectMessageEnd');
  const async = kind === 'call' && p.str('AsyncAmd') === 'true';
  const prefix = kind === 'call' ? 'AsyncAmdStatusCallback' : 'AmdStatusCallback';
  const callback = p.url(prefix) ?? null;
  return {
    mode,
    timeoutMs: (p.int('MachineDetectionTimeout', { min: 3, max: 59 }) ?? 30) * 1000,
    speechThresholdMs: p.int('MachineDetectionSpeechThreshold', { min: 1000, max: 6000 }) ?? 2400,
    speechEndThresholdMs: p.int('MachineDetectionSpeechEndThreshold', { min: 500, max: 5000 }) ?? 1200,
    silenceTimeoutMs: p.int('MachineDetectionSilenceTimeout', { min: 2000, max: 10_000 }) ?? 5000,
    async,
    // A call's callback is AsyncAmd's only (Twilio ignores it without AsyncAmd=true); a participant's always applies.
    statusCallback: callback === null || (kind === 'call' && !async) ? null : { url: callback, method: p.method(`${prefix}Method`) ?? 'POST' },
  };
}
