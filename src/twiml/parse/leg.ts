import { int, listOf, method, oneOf, url, type AttrTable, type HttpMethod } from '../attrs.js';

/** Attributes every dialled leg takes (<Number>, <Sip>, <Client>): its whisper URL and its status callbacks. */
export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface LegCallbacks {
  /** TwiML run on the called party before the calls are bridged (a whisper). */
  url: string | null;
  method: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvent: readonly CallEvent[];
}

export const legCallbackAttributes: AttrTable<LegCallbacks> = {
  url: url(),
  method: method(),
  statusCallback: url(),
  statusCallbackMethod: method(),
  statusCallbackEvent: listOf<CallEvent>(['initiated', 'ringing', 'answered', 'completed'], ['completed']),
};

/** Answering-machine detection on a dialled <Number> or <Sip>; bounds and defaults are Twilio's. */
export interface MachineDetection {
  machineDetection: 'Enable' | 'DetectMessageEnd' | null;
  machineDetectionTimeout: number;
  machineDetectionSpeechThreshold: number;
  machineDetectionSpeechEndThreshold: number;
  machineDetectionSilenceTimeout: number;
  amdStatusCallback: string | null;
  amdStatusCallbackMethod: HttpMethod;
}

export const machineDetectionAttributes: AttrTable<MachineDetection> = {
  machineDetection: oneOf<'Enable' | 'DetectMessageEnd', null>(['Enable', 'DetectMessageEnd'], null),
  machineDetectionTimeout: int(30, 3, 59),
  machineDetectionSpeechThreshold: int(2_400, 1_000, 6_000),
  machineDetectionSpeechEndThreshold: int(1_200, 500, 5_000),
  machineDetectionSilenceTimeout: int(5_000, 2_000, 10_000),
  amdStatusCallback: url(),
  amdStatusCallbackMethod: method(),
};
