/**
 * Runs answering machine detection on an answered call: the far end's audio (the leg's audio hook) goes
 * through the detector until it decides, or until MachineDetectionTimeout on the wall clock (a peer that
 * sends no RTP at all still gets an answer: `unknown`).
 */
import type { CallLeg } from '../legs/types.js';
import { AnsweringMachineDetector, type AmdOptions, type AmdResult } from './detector.js';

export interface AmdSettings extends AmdOptions {
  /** AsyncAmd: the TwiML runs at once instead of waiting for the verdict. */
  async: boolean;
  /** Where the verdict is posted (AsyncAmdStatusCallback of a call, AmdStatusCallback of a participant); null: nowhere. */
  statusCallback: { url: string; method: 'GET' | 'POST' } | null;
}

export function detectAnsweredBy(leg: CallLeg, o: AmdOptions): Promise<AmdResult> {
  const detector = new AnsweringMachineDetector(o);
  return new Promise((resolve) => {
    let off: (() => void) | null = null;
    const done = (r: AmdResult): void => {
      clearTimeout(timer);
      off?.();
      off = null;
      resolve(r);
    };
    // The frame count decides; the wall clock only catches a peer that went quiet on the wire (plus slack).
    const timer = setTimeout(() => done(detector.timeout()), o.timeoutMs + 2000);
    if (!leg.onAudio) return done(detector.timeout());
    off = leg.onAudio((frame, n) => {
      const r = detector.push(frame, n);
      if (r) done(r);
    });
  });
}
