/**
 * The one error catalogue. Every error a client can see carries Twilio's numeric code and HTTP status;
 * callers tell errors apart by `code`, never by message text. The HTTP layer renders any ApiError as
 * Twilio's JSON `{code, message, more_info, status}`.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get moreInfo(): string {
    return `https://www.twilio.com/docs/errors/${this.code}`;
  }

  toJSON() {
    return { code: this.code, message: this.message, more_info: this.moreInfo, status: this.status };
  }
}

/**
 * A resource that does not exist, or that the caller may not see (the same answer, so SIDs cannot be probed).
 * It names what was missing, not where it was asked for: the HTTP layer words it with the request's path.
 */
export class NotFoundError extends ApiError {
  constructor(
    readonly kind: string,
    readonly sid: string | undefined,
  ) {
    super(20404, 404, sid === undefined ? `${kind} was not found` : `${kind} ${sid} was not found`);
    this.name = 'NotFoundError';
  }
}

/**
 * Twilio codes that are recorded on a resource (a message's error_code, a lookup package's error_code) or
 * tested for, besides being thrown: each has one name here, so no bare number stands for a code elsewhere.
 */
export const codes = {
  // Message delivery: a failed or undelivered message's error_code
  unreachableHandset: 30003, // the handset is off or out of coverage (also a receipt that expired)
  unknownHandset: 30005, // the destination number does not exist on the network
  landlineOrUnreachableCarrier: 30006, // a landline, or a carrier that cannot be reached
  messageFiltered: 30007, // the carrier filtered (rejected) the message
  unknownDeliveryError: 30008, // the carrier failed the message for no more specific reason
  validityPeriodExpired: 30036, // the message waited in the queue past its ValidityPeriod
  mediaFetchFailed: 12300, // an MMS MediaUrl could not be fetched or has an unsupported Content-Type
  mediaTooLarge: 11751, // an MMS MediaUrl is over the messaging provider's size limit
  // Messaging API errors that a queued message can also fail with later
  serviceHasNoSenders: 21703, // the Messaging Service has no phone number to send from
  senderQueueFull: 21611, // the From number has too many messages queued
  sendRateLimit: 14107, // too many messages between the same two numbers in a short time (a reply loop)
  // Messaging API errors that an inbound <Message> reply maps onto its alerts
  invalidTo: 21211, // the To number is not a valid phone number
  invalidFrom: 21212, // the From number is not a valid phone number, short code or sender ID
  bodyRequired: 21602, // a message has no Body (nor media)
  fromRequired: 21603, // a message has no From
  toRequired: 21604, // a message has no To
  fromNotOwned: 21606, // the From number is not an SMS-capable number of the account
  unsubscribedRecipient: 21610, // the To number replied STOP to this sender
  notMobile: 21614, // the To number is not a mobile number
  bodyTooLong: 21617, // the body is over 1600 characters
  toEqualsFrom: 21266, // To and From are the same number
  // Other API errors that callers test for
  authenticationFailed: 20003, // wrong credentials (the login throttle counts these)
  roomExists: 53113, // an in-progress Video room already has this UniqueName
  remoteDescriptionFailed: 53403, // the Video media server could not apply a participant's SDP offer
  // Lookup: a data package's error_code when it could not be filled
  lookupNoData: 60600, // unprovisioned or out of coverage: no data for this number
  lookupPackageNotEnabled: 60606, // the package is not enabled (no data source for it)
  lookupFailed: 60608, // the lookup failed (its data source gave an error)
} as const;

const e = (code: number, status: number, message: string) => new ApiError(code, status, message);

export const errors = {
  // Platform
  invalidParameter: (name: string, detail?: string) => e(20001, 400, detail ? `Invalid parameter ${name}: ${detail}` : `Invalid parameter ${name}`),
  missingParameter: (name: string) => e(20001, 400, `Missing required parameter ${name} in the post body`),
  authenticate: () => e(codes.authenticationFailed, 401, 'Authenticate'),
  /** Twilio answers a Standard key on /Accounts or /Keys with 401 and 20003, as for wrong credentials. */
  keyNotPermitted: () =>
    e(
      codes.authenticationFailed,
      401,
      'Authentication Error - Standard API keys cannot access the Accounts or Keys resources: use the auth token or a Main API key',
    ),
  tooManyAuthFailures: (retryAfterSec: number) => e(20429, 429, `Too many failed authentication attempts: retry after ${retryAfterSec} seconds`),
  friendlyNameTooLong: (name: string, max: number) => e(20002, 400, `Invalid ${name}: must be at most ${max} characters long`),
  parameterTooLong: (name: string, max: number) => e(20001, 400, `Invalid parameter ${name}: must be at most ${max} characters long`),
  hostNotAllowed: (host: string) => e(20403, 403, `Host ${host} is not allowed: add it to SWITCHBOARD_ALLOWED_HOSTS (--allowed-hosts)`),
  methodNotAllowed: (method: string) => e(20004, 405, `Method ${method} not allowed`),
  accountNotActive: () => e(20005, 401, 'Account not active'),
  forbidden: (why: string) => e(20403, 403, why),
  notFound: (kind: string, sid?: string) => new NotFoundError(kind, sid),
  /** Twilio's wording of a 404, which names the path the client asked for: only the HTTP layer knows it. */
  resourceNotFound: (path: string) => e(20404, 404, `The requested resource ${path} was not found`),
  tooManyRequests: () => e(20429, 429, 'Too Many Requests'),
  internal: () => e(20500, 500, 'Internal Server Error'),
  unsupportedMediaType: (type: string) => e(20415, 415, `Unsupported Content-Type ${type}: send application/x-www-form-urlencoded`),
  payloadTooLarge: (limit: number) => e(20413, 413, `Request body larger than ${limit} bytes`),
  malformedBody: () => e(20400, 400, 'Malformed request body'),
  badRequest: (status: number, detail: string) => e(20400, status, `Bad request: ${detail}`),
  invalidPageToken: () => e(21481, 400, 'Invalid PageToken'),
  invalidPageSize: () => e(20001, 400, 'Invalid parameter PageSize: must be between 1 and 1000'),
  invalidUrl: (name: string) => e(21502, 400, `Invalid ${name}: must be an absolute http or https URL`),
  invalidMethod: (name: string) => e(21503, 400, `Invalid ${name}: must be GET or POST`),
  accountClosed: () => e(20005, 400, 'Account is closed and cannot be changed'),
  invalidAccountStatus: () => e(20001, 400, 'Invalid parameter Status: must be active, suspended or closed'),

  // Phone numbers
  phoneNumberInvalid: (value: string) => e(21421, 400, `PhoneNumber ${value} is invalid`),
  phoneNumberUnavailable: (value: string) => e(21422, 400, `PhoneNumber ${value} is not available`),
  callerIdAlreadyVerified: (value: string) => e(21450, 400, `Phone number ${value} is already verified for your account`),
  noNumbersInAreaCode: (areaCode: string) => e(21452, 400, `No phone numbers found in area code ${areaCode}`),
  phoneNumberRequired: () => e(21451, 400, 'A PhoneNumber or AreaCode is required'),
  invalidApplicationSid: (name: string) => e(21218, 400, `Invalid ${name}`),
  countryNotSupported: (country: string) => e(21452, 404, `No phone numbers available for country ${country}`),
  // Messaging
  toRequired: () => e(codes.toRequired, 400, "A 'To' phone number is required."),
  fromRequired: () => e(codes.fromRequired, 400, "A 'From' phone number is required."),
  bodyRequired: () => e(codes.bodyRequired, 400, 'Message body is required.'),
  invalidTo: (to: string) => e(codes.invalidTo, 400, `The 'To' number ${to} is not a valid phone number.`),
  invalidFrom: (from: string) => e(codes.invalidFrom, 400, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`),
  fromNotOwned: (from: string) =>
    e(codes.fromNotOwned, 400, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`),
  bodyTooLong: () => e(codes.bodyTooLong, 400, 'The concatenated message body exceeds the 1600 character limit.'),
  unsubscribed: () => e(codes.unsubscribedRecipient, 400, 'Attempt to send to unsubscribed recipient'),
  notMobile: () => e(codes.notMobile, 400, "'To' number is not a valid mobile number"),
  toEqualsFrom: () => e(codes.toEqualsFrom, 400, "'To' and 'From' numbers cannot be the same"),
  cannotRoute: () => e(21612, 400, "The 'To' phone number is not currently reachable via SMS."),
  noPermission: () => e(21408, 400, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"),
  queueFull: () => e(codes.senderQueueFull, 400, "This 'From' number has exceeded the maximum number of queued messages"),
  invalidMessagingService: (sid: string) => e(21705, 400, `The Messaging Service Sid ${sid} is invalid.`),
  serviceHasNoSenders: () => e(codes.serviceHasNoSenders, 400, 'The Messaging Service does not have a phone number available to send a message.'),
  tooManyMedia: () => e(21623, 400, 'Too many MediaUrl parameters: at most 10'),
  invalidMediaUrl: (url: string) => e(21620, 400, `Invalid media URL(s): ${url}`),
  sendAtMissing: () => e(35111, 400, "SendAt timestamp is missing: it is required when ScheduleType is 'fixed'."),
  sendAtOutOfRange: () => e(35114, 400, 'SendAt time must be between 900 seconds and 35 days (3024000 seconds) in the future, inclusive.'),
  scheduleNeedsService: () => e(35118, 400, 'MessagingServiceSid is required to schedule a message.'),
  notCancelable: () => e(20009, 400, 'Only a scheduled message can be canceled.'),
  cannotDeleteInFlight: () => e(20009, 400, 'Cannot delete a message that is still being sent.'),
  phoneNumberInOtherService: () => e(21710, 409, 'Phone Number is already in another Messaging Service.'),
  // Verify
  verifyInvalidParameter: (name: string, detail: string) => e(60200, 400, `Invalid parameter \`${name}\`: ${detail}`),
  verifyMaxCheckAttempts: () => e(60202, 429, 'Max check attempts reached'),
  verifyMaxSendAttempts: () => e(60203, 429, 'Max send attempts reached'),
  verifyLandline: () => e(60205, 400, 'SMS is not supported by landline phone number'),
  verifyCallUnavailable: () => e(60200, 400, 'Invalid parameter `Channel`: the call channel needs the voice module, which this server does not run'),
  verifyNoSender: () =>
    e(
      codes.fromRequired,
      400,
      'Verify has no number to send from: add an SMS-capable phone number to this account, or set Switchboard.MessagingServiceSid on the Verify service',
    ),
  // Voice
  callToRequired: () => e(21201, 400, "No 'To' number is specified"),
  callFromRequired: () => e(21213, 400, "No 'From' number is specified"),
  callInvalidTo: (to: string) => e(codes.invalidTo, 400, `Invalid 'To' Phone Number: ${to}`),
  callInvalidFrom: (from: string) => e(codes.invalidFrom, 400, `Invalid 'From' Phone Number: ${from}`),
  callFromNotOwned: (from: string) =>
    e(
      21210,
      400,
      `The source phone number provided, ${from}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Switchboard.`,
    ),
  callInstructionsRequired: () => e(21205, 400, "Either a 'Url', 'Twiml' or 'ApplicationSid' parameter is required"),
  callInvalidApplication: (sid: string) => e(21218, 400, `Invalid ApplicationSid ${sid}: it does not exist on this account or has no VoiceUrl`),
  callTwimlTooLarge: () => e(21230, 400, 'The Twiml parameter is larger than 4000 characters'),
  callInvalidState: (detail: string) => e(21220, 400, `Invalid call state: ${detail}`),
  /** The call runs on another voice node that is alive (its heartbeat is fresh) but did not answer. */
  callNodeUnreachable: () => e(20503, 503, 'Service Unavailable: the Switchboard node running this call did not answer; try again'),
  callConcurrencyLimit: () => e(10004, 429, 'Call concurrency limit exceeded: too many calls in progress for this account or server'),
  streamUrlInvalid: () => e(20001, 400, 'Invalid parameter Url: a Stream url is wss:// (or ws:// to a loopback or private address)'),
  streamLimit: () => e(20001, 400, 'Invalid parameter: a call has at most 4 unidirectional streams at once'),
  streamNameTaken: (name: string) => e(20001, 400, `Invalid parameter Name: the call already has a stream named ${name}`),
  streamCallNotInProgress: () => e(21220, 400, 'Invalid call state: a stream can only be started on a call that is in progress'),
  recordingCallNotInProgress: () => e(21220, 400, 'Invalid call state: a recording can only be started or changed on a call that is in progress'),
  callAlreadyRecording: () => e(21220, 400, 'Invalid call state: the call already has a recording in progress or paused; stop it first'),
  callDeleteLive: () => e(20009, 400, 'Cannot delete a call that is still queued, ringing or in progress'),
  // TaskRouter answers a duplicate queue name with 20001 ("Queue named X already exists"); the 2010 Queues
  // API documents no code of its own, so the same is used here.
  queueNameTaken: (name: string) => e(20001, 400, `A queue named ${name} already exists on this account`),
  queueNotEmpty: () => e(20009, 400, 'Cannot delete a queue that has calls waiting in it: dequeue them first'),
  recordingFormatUnavailable: (format: string) =>
    e(
      20415,
      415,
      `Recordings are not available as ${format} on this server: it has no ${format.toUpperCase()} encoder. Download the .wav instead (same URL ending in .wav); see docs/voice.md`,
    ),
  // Video: access tokens (the codes twilio-video.js reports), rooms, participants, signalling
  accessTokenInvalid: (detail: string) => e(20101, 401, `Invalid Access Token: ${detail}`),
  accessTokenHeaderInvalid: (detail: string) => e(20102, 401, `Invalid Access Token header: ${detail}`),
  accessTokenIssuerInvalid: () => e(20103, 401, 'Invalid Access Token issuer/subject'),
  accessTokenExpired: () => e(20104, 401, 'Access Token expired or expiration date invalid'),
  accessTokenNotYetValid: () => e(20105, 401, 'Access Token not yet valid'),
  accessTokenGrantsInvalid: (detail: string) => e(20106, 401, `Invalid Access Token grants: ${detail}`),
  accessTokenSignatureInvalid: () => e(20107, 401, 'Invalid Access Token signature'),
  accessTokenAuthenticationFailed: () => e(20151, 401, 'Authentication Failed: the account of this Access Token is not active'),
  signalingMessageInvalid: (detail: string) => e(53003, 400, `Client received an invalid signaling message: ${detail}`),
  roomNameInvalid: (detail: string) => e(53100, 400, `Room name is invalid: ${detail}`),
  roomNameTooLong: () => e(53101, 400, 'Room name is too long: at most 128 characters'),
  roomConnectFailed: (detail: string) => e(53104, 400, `Unable to connect to Room: ${detail}`),
  roomFull: () => e(53105, 400, 'Room contains too many Participants'),
  roomNotFound: () => e(53106, 404, 'Room not found'),
  roomMaxParticipantsOutOfRange: (max: number) => e(53107, 400, `MaxParticipants is out of range: 1 to ${max} for this room type`),
  roomTypeInvalid: () => e(53108, 400, 'RoomType is not valid: group, group-small, peer-to-peer or go'),
  roomTimeoutOutOfRange: (name: string, min: number, max: number) => e(53109, 400, `${name} is out of range: ${min} to ${max}`),
  roomStatusCallbackMethodInvalid: () => e(53110, 400, 'StatusCallbackMethod is invalid: GET or POST'),
  roomStatusCallbackInvalid: () => e(53111, 400, 'StatusCallback is invalid: an absolute http or https URL'),
  roomStatusInvalid: () => e(53112, 400, 'Status is invalid: a room can only be set to completed'),
  roomExists: (name: string) => e(codes.roomExists, 400, `Room exists: an in-progress room is already named ${name}`),
  roomInvalidParameters: (detail: string) => e(53114, 400, `Room creation parameter(s) incompatible with the Room type: ${detail}`),
  roomCompleted: () => e(53118, 400, 'Room completed'),
  participantIdentityInvalid: () => e(53200, 400, 'Participant identity is invalid'),
  participantIdentityTooLong: () => e(53201, 400, 'Participant identity is too long: at most 256 characters'),
  participantMaxTracksExceeded: () => e(53203, 400, 'The Participant has exceeded the maximum number of published tracks'),
  participantRemoved: () => e(53204, 400, 'Participant removed from the Room through the REST API'),
  participantDuplicateIdentity: () => e(53205, 400, 'Participant disconnected because of duplicate identity'),
  participantStatusInvalid: () => e(53112, 400, 'Status is invalid: a participant can only be set to disconnected'),
  trackNameTooLong: () => e(53302, 400, 'Track name is too long: at most 128 characters'),
  mediaServerRemoteDescFailed: (detail: string) => e(codes.remoteDescriptionFailed, 400, `Server is unable to apply a remote media description: ${detail}`),
  mediaNoSupportedCodec: () => e(53404, 400, 'No supported codec: audio must be Opus, video VP8 or H.264'),
  mediaConnectionFailed: () => e(53405, 400, 'Media connection failed'),
  roomMediaFailed: () => e(53104, 500, 'Unable to connect to Room: its media server stopped'),
  signalingConnectionDisconnected: () => e(53001, 400, 'Signaling connection disconnected and could not be resumed'),
} as const;

/**
 * Alerts: failures that happen outside a request (a webhook that failed, TwiML that did not parse).
 * They are recorded and listed, never thrown at an API client.
 */
export const ALERTS = {
  httpRetrievalFailure: { code: 11200, text: 'HTTP retrieval failure' },
  httpConnectionFailure: { code: 11205, text: 'HTTP connection failure' },
  httpTimeout: { code: 11205, text: 'HTTP connection failure: timed out' },
  httpBadHost: { code: 11210, text: 'HTTP bad host name' },
  responseTooLarge: { code: 11750, text: 'TwiML response body too large' },
  documentParseFailure: { code: 12100, text: 'Document parse failure' },
  invalidContentType: { code: 12300, text: 'Invalid Content-Type' },
  unsupportedVerb: { code: 12200, text: 'Schema validation warning: unsupported verb or attribute' },
  tooManyRedirects: { code: 11215, text: 'HTTP too many redirects' },
  messageToInvalid: { code: 14101, text: "Message TwiML: 'To' attribute is invalid" },
  messageFromInvalid: { code: 14102, text: "Message TwiML: 'From' attribute is invalid" },
  messageBodyInvalid: { code: 14103, text: 'Message TwiML: invalid Body' },
  messageVerbFailed: { code: 14107, text: 'Message TwiML: the reply could not be sent' },
  mediaFetchFailed: { code: codes.mediaFetchFailed, text: 'Media could not be fetched or has an unsupported type' },
  mediaTooLarge: { code: codes.mediaTooLarge, text: 'Media message - Media exceeds messaging provider size limit' },
  voiceVerbUnsupported: { code: 12200, text: 'Schema validation warning: this verb is not supported by the voice interpreter' },
  voiceAudioFetchFailed: { code: 11200, text: 'HTTP retrieval failure: the audio for <Play> could not be fetched' },
  voiceAudioUnsupported: { code: 12300, text: 'Invalid Content-Type: the audio for <Play> is not WAV or MP3' },
  voiceSayFailed: { code: 13520, text: 'Say: the text could not be spoken' },
  // Gather input="speech": Twilio's 13334 (a warning) covers a language or model its recognizer lacks; the Gather
  // then gets no speech. Switchboard raises the same code when its engine could not run (not installed, crashed).
  speechLanguageUnsupported: { code: 13334, text: 'Gather: Invalid model value: speech recognition does not support this language', level: 'warning' },
  speechRecognitionFailed: { code: 13334, text: 'Gather: speech recognition failed', level: 'warning' },
  voiceCallFailed: { code: 13227, text: 'Call failed: the far end could not be reached' },
  voiceMediaFailed: { code: 31005, text: "Connection error: the call's media engine failed and the call was ended" },
  // Media Streams (voice/streams/): a stream that failed or warned; StreamError in its status callback says the same
  streamConnectTimeout: { code: 31901, text: 'Stream - WebSocket - Connection Timeout' },
  streamBrokenPipe: { code: 31903, text: 'Stream - WebSocket - Connection Broken Pipe' },
  streamTls: { code: 31910, text: 'Stream - WebSocket - SSL Protocol Error' },
  streamHandshake: { code: 31920, text: 'Stream - WebSocket - Handshake Error' },
  streamClosed: { code: 31921, text: 'Stream - WebSocket - Close Error' },
  streamScheme: { code: 31922, text: 'Stream - WebSocket - URL Schema Not Supported' },
  streamBufferOverflow: { code: 31930, text: 'Stream - Media - Buffer Overflow' },
  streamInvalidMessage: { code: 31951, text: 'Stream - Protocol - Invalid Message' },
  streamLimit: { code: 20001, text: 'Stream: a call has at most 4 forked streams at once' },
  dialInvalidNumber: { code: 13223, text: 'Dial: Invalid phone number format' },
  dialInvalidCallerId: { code: 13214, text: 'Dial: Invalid callerId value' },
  enqueueNameTooLong: { code: 14205, text: 'Enqueue: Queue name too long' },
  enqueueQueueFull: { code: 14207, text: 'Enqueue: The targeted queue reached max queue size' },
  dialQueueNameTooLong: { code: 14213, text: 'Dial->Queue: queue name too long' },
  queueVerbNotAllowed: { code: 12200, text: "Schema validation warning: this verb is not allowed in a queue's waitUrl or <Queue> url TwiML" },
  httpTotalTimeout: { code: 11203, text: 'HTTP communication total time out triggered' },
  // The app's Set-Cookie had an empty name or a control character (Twilio names this 11206); the cookie is dropped.
  cookieInvalid: { code: 11206, text: 'HTTP protocol violation: invalid cookie', level: 'warning' },
  // Connection overrides that are not valid are ignored (their default applies) and reported.
  overrideRetryPolicyInvalid: { code: 11243, text: 'HTTP retry policy is invalid', level: 'warning' },
  overrideEdgeInvalid: { code: 11240, text: 'HTTP connection edge location is invalid', level: 'warning' },
  overrideValueInvalid: { code: 11100, text: 'Invalid URL format: a connection override is out of range', level: 'warning' },
  dialFromDialedCall: { code: 13201, text: 'Dial: Cannot Dial out from a Dial Call Segment' },
} as const;

/** An alert's log level: errors unless the catalogue says otherwise. */
export function alertLevel(kind: AlertKind): 'error' | 'warning' {
  const alert = ALERTS[kind];
  return 'level' in alert ? alert.level : 'error';
}

export type AlertKind = keyof typeof ALERTS;
