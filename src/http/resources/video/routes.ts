import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../../core/errors.js';
import type { RoomRow } from '../../../store/repositories/video.js';
import type { Video } from '../../../video/module.js';
import { principalOf } from '../../context.js';
import { envelopeV1, readPageParams } from '../../paging.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';
import { presentParticipant, presentPublishedTrack, presentRecording, presentRoom, presentSubscribedTrack } from './presenter.js';

type P = Record<string, string>;
const BASE = '/video/v1/Rooms';

function dates(p: ParamReader) {
  return { createdAfter: p.date('DateCreatedAfter'), createdBefore: p.date('DateCreatedBefore') };
}

/** Video v1 (`/video/v1/...`): rooms, participants, their tracks, and track recordings. */
export function videoRoutes(app: FastifyInstance, video: Video, origin: () => string): void {
  const { rooms, live } = video;
  const owner = (req: FastifyRequest) => principalOf(req).accountSid;
  const room = async (req: FastifyRequest): Promise<RoomRow> => {
    const { RoomSid, Sid } = req.params as P;
    const row = await rooms.find(owner(req), RoomSid ?? Sid!);
    req.resourceSid = row.sid;
    return row;
  };
  const participant = async (req: FastifyRequest) => {
    const r = await room(req);
    const { ParticipantSid, Sid } = req.params as P;
    return rooms.findParticipant(r, ParticipantSid ?? Sid!);
  };

  app.post(BASE, async (req, reply) => {
    const p = new ParamReader(paramsOf(req));
    let statusCallback: string | null | undefined;
    try {
      statusCallback = p.url('StatusCallback');
    } catch {
      throw errors.roomStatusCallbackInvalid();
    }
    const type = p.str('Type');
    const row = await rooms.create(owner(req), {
      uniqueName: p.str('UniqueName'),
      type: type === undefined || type === '' ? undefined : type,
      maxParticipants: p.int('MaxParticipants'),
      maxParticipantDuration: p.int('MaxParticipantDuration'),
      statusCallback,
      statusCallbackMethod: p.str('StatusCallbackMethod') || undefined,
      recordParticipantsOnConnect: p.bool('RecordParticipantsOnConnect'),
      videoCodecs: p
        .all('VideoCodecs')
        .flatMap((v) => v.split(','))
        .filter((v) => v !== ''),
      audioOnly: p.bool('AudioOnly'),
      emptyRoomTimeout: p.int('EmptyRoomTimeout'),
      unusedRoomTimeout: p.int('UnusedRoomTimeout'),
    });
    live.roomIdle(row, false);
    req.resourceSid = row.sid;
    return reply.code(201).send(presentRoom(origin())(row));
  });
  app.get(BASE, async (req) => {
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter = { status: p.oneOf('Status', ['in-progress', 'completed', 'failed'] as const), uniqueName: p.str('UniqueName') || undefined, ...dates(p) };
    return envelopeV1('rooms', origin(), BASE, params, page, await rooms.list(owner(req), filter, page), presentRoom(origin()));
  });
  app.get(`${BASE}/:Sid`, async (req) => presentRoom(origin())(await room(req)));
  app.post(`${BASE}/:Sid`, async (req, reply) => {
    const status = new ParamReader(paramsOf(req)).required('Status');
    if (status !== 'completed') throw errors.roomStatusInvalid();
    const row = await room(req);
    const ended = row.status === 'in-progress' ? await live.complete(row) : row;
    return reply.code(202).send(presentRoom(origin())(ended));
  });

  const participants = `${BASE}/:RoomSid/Participants`;
  app.get(participants, async (req) => {
    const r = await room(req);
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter = { status: p.oneOf('Status', ['connected', 'disconnected', 'reconnecting'] as const), identity: p.str('Identity') || undefined, ...dates(p) };
    return envelopeV1(
      'participants',
      origin(),
      `${BASE}/${r.sid}/Participants`,
      params,
      page,
      await rooms.listParticipants(r, filter, page),
      presentParticipant(origin()),
    );
  });
  app.get(`${participants}/:Sid`, async (req) => presentParticipant(origin())(await participant(req)));
  app.post(`${participants}/:Sid`, async (req, reply) => {
    const status = new ParamReader(paramsOf(req)).str('Status');
    if (status !== undefined && status !== 'disconnected') throw errors.participantStatusInvalid();
    const r = await room(req);
    const p = await participant(req);
    if (status === 'disconnected' && p.status !== 'disconnected') await live.kick(r.sid, p.sid);
    const after = await rooms.findParticipant(r, p.sid);
    return reply.code(202).send(presentParticipant(origin())(after));
  });

  const tracks = (name: 'PublishedTracks' | 'SubscribedTracks') => `${participants}/:ParticipantSid/${name}`;
  app.get(tracks('PublishedTracks'), async (req) => {
    const p = await participant(req);
    const params = paramsOf(req);
    const page = readPageParams(params);
    return envelopeV1(
      'published_tracks',
      origin(),
      `${BASE}/${p.room_sid}/Participants/${p.sid}/PublishedTracks`,
      params,
      page,
      await rooms.listTracks(p, page),
      presentPublishedTrack(origin()),
    );
  });
  app.get(`${tracks('PublishedTracks')}/:Sid`, async (req) => {
    const p = await participant(req);
    return presentPublishedTrack(origin())(await rooms.findTrack(p, (req.params as P).Sid!));
  });
  app.get(tracks('SubscribedTracks'), async (req) => {
    const p = await participant(req);
    const params = paramsOf(req);
    const page = readPageParams(params);
    return envelopeV1(
      'subscribed_tracks',
      origin(),
      `${BASE}/${p.room_sid}/Participants/${p.sid}/SubscribedTracks`,
      params,
      page,
      await rooms.listSubscriptions(p, page),
      presentSubscribedTrack(origin()),
    );
  });
  app.get(`${tracks('SubscribedTracks')}/:Sid`, async (req) => {
    const p = await participant(req);
    return presentSubscribedTrack(origin())(await rooms.findSubscription(p, (req.params as P).Sid!));
  });

  recordingRoutes(app, video, origin, room);
}

function recordingFilter(p: ParamReader) {
  return {
    status: p.oneOf('Status', ['processing', 'completed', 'deleted', 'failed'] as const),
    sourceSid: p.str('SourceSid') || undefined,
    createdAfter: p.date('DateCreatedAfter'),
    createdBefore: p.date('DateCreatedBefore'),
  };
}

function recordingRoutes(app: FastifyInstance, video: Video, origin: () => string, room: (req: FastifyRequest) => Promise<RoomRow>): void {
  const { rooms } = video;
  const owner = (req: FastifyRequest) => principalOf(req).accountSid;
  app.get(`${BASE}/:RoomSid/Recordings`, async (req) => {
    const r = await room(req);
    const params = paramsOf(req);
    const page = readPageParams(params);
    const result = await rooms.listRecordings(owner(req), r.sid, recordingFilter(new ParamReader(params)), page);
    return envelopeV1('recordings', origin(), `${BASE}/${r.sid}/Recordings`, params, page, result, presentRecording(origin(), 'room'));
  });
  app.get(`${BASE}/:RoomSid/Recordings/:Sid`, async (req) => {
    const r = await room(req);
    const rec = await rooms.findRecording(owner(req), (req.params as P).Sid!);
    if (rec.room_sid !== r.sid) throw errors.notFound('Recording', rec.sid);
    return presentRecording(origin(), 'room')(rec);
  });
  app.get('/video/v1/Recordings', async (req) => {
    const params = paramsOf(req);
    const p = new ParamReader(params);
    const page = readPageParams(params);
    const filter = { ...recordingFilter(p), groupingSids: p.all('GroupingSid'), mediaType: p.oneOf('MediaType', ['audio', 'video', 'data'] as const) };
    const result = await rooms.listRecordings(owner(req), undefined, filter, page);
    return envelopeV1('recordings', origin(), '/video/v1/Recordings', params, page, result, presentRecording(origin(), 'account'));
  });
  app.get('/video/v1/Recordings/:Sid', async (req) => presentRecording(origin(), 'account')(await rooms.findRecording(owner(req), (req.params as P).Sid!)));
  app.delete('/video/v1/Recordings/:Sid', async (req, reply) => {
    const rec = await rooms.findRecording(owner(req), (req.params as P).Sid!);
    await rooms.deleteRecording(rec);
    return reply.code(204).send();
  });
  // The recorded file itself, WebM (Matroska). Twilio answers with a redirect to a short-lived storage URL;
  // here the file is served directly, under the same credentials as the API.
  app.get('/video/v1/Recordings/:Sid/Media', async (req, reply) => {
    const rec = await rooms.findRecording(owner(req), (req.params as P).Sid!);
    if (rec.status !== 'completed') throw errors.notFound('Recording media', rec.sid);
    const file = join(video.recordingsDir, rec.path);
    const { size } = await stat(file).catch(() => {
      throw errors.notFound('Recording media', rec.sid);
    });
    void reply.header('content-type', rec.type === 'audio' ? 'audio/webm' : 'video/webm').header('content-length', size);
    return reply.send(createReadStream(file));
  });
}
