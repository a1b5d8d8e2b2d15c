/** The shapes shared by a conference's room (room.ts), its runtime and its store. */
import type { ConferenceBeep, ConferenceEvent, HttpMethod } from '../../twiml/index.js';

export type ConferenceStatus = 'init' | 'in-progress' | 'completed';

/** Twilio's ReasonConferenceEnded values. */
export type EndReason =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-kicked'
  | 'last-participant-left';

export interface ConferenceCallback {
  url: string;
  method: HttpMethod;
  events: readonly ConferenceEvent[];
}

/** What a conference row holds (the store keeps it for the REST API). */
export interface ConferenceState {
  sid: string;
  accountSid: string;
  friendlyName: string;
  status: ConferenceStatus;
  region: string;
  reasonEnded: EndReason | null;
  callSidEnding: string | null;
  nodeId: string;
  dateCreated: number;
  dateUpdated: number;
}

export type ParticipantStatus = 'queued' | 'connected';

export interface ParticipantState {
  conferenceSid: string;
  accountSid: string;
  callSid: string;
  label: string | null;
  muted: boolean;
  hold: boolean;
  /** The CallSid this participant coaches, null when it does not coach. */
  callSidToCoach: string | null;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** `queued` for a participant dialled through the API until it joins (the list shows its call's progress), then `connected`. */
  status: ParticipantStatus;
  dateCreated: number;
  dateUpdated: number;
}

/** The store behind the REST API: the runtime writes every change through it. */
export interface ConferenceStore {
  saveConference(c: ConferenceState): Promise<void>;
  saveParticipant(p: ParticipantState): Promise<void>;
  removeParticipant(conferenceSid: string, callSid: string): Promise<void>;
  /** Removes a participant whose call ended before it joined. */
  dropPending(conferenceSid: string, callSid: string): Promise<void>;
}

export interface JoinSettings {
  label: string | null;
  muted: boolean;
  beep: ConferenceBeep;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** CallSid of the participant this one coaches. */
  coach: string | null;
  /** The waitUrl document; null plays Switchboard's hold music; `silent` plays nothing. */
  wait: { url: string; method: HttpMethod } | null | 'silent';
  maxParticipants: number;
  record: boolean;
  recordingCallback: { url: string; method: HttpMethod; events: readonly string[] } | null;
  trim: boolean;
  callback: ConferenceCallback | null;
}

/** A Participants API update of a live participant (as room.update and the runtime take it). */
export interface ParticipantUpdate {
  muted?: boolean;
  hold?: boolean;
  holdDoc?: { url: string; method: HttpMethod } | null;
  coach?: string | null;
  endConferenceOnExit?: boolean;
  /** BeepOnExit: whether the others hear the leave beep (keeps the join beep as it was). */
  beepOnExit?: boolean;
  /** WaitUrl/WaitMethod: what the participant hears until the conference starts (null: the hold music). */
  wait?: JoinSettings['wait'];
}
