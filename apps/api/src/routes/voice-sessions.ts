import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import { endVoiceSession } from '@waddle/queries/voice/end-voice-session';
import { joinVoiceSession } from '@waddle/queries/voice/join-voice-session';
import { leaveVoiceSession } from '@waddle/queries/voice/leave-voice-session';
import { listVoiceParticipants } from '@waddle/queries/voice/list-voice-participants';
import { listVoiceSessions } from '@waddle/queries/voice/list-voice-sessions';
import { startVoiceSession } from '@waddle/queries/voice/start-voice-session';
import type { VoiceSessionRow } from '@waddle/queries/voice/voice-session-row';
import { Permission } from '../access/permissions.ts';
import { requireVoiceChannel } from '../access/require-voice-channel.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { conflict, forbidden, notFound } from '../http/api-error.ts';
import { decodeIdCursor, idPage } from '../http/id-cursor.ts';
import { decodeKeyCursor, keyedPage } from '../http/key-cursor.ts';
import { errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount } from '../http/schemas.ts';

/** A voice session as the API returns it. */
const voiceSessionBody = z.strictObject({
  id: z.int(),
  channelId: z.int(),
  startedBy: z.int().nullable().openapi({ description: 'Who started it; `null` once they are erased' }),
  startedAt: z.int(),
  endedAt: z.int().nullable().openapi({ description: '`null` while it is open' }),
  maxParticipants: z.int().openapi({ description: 'The most participants it had at once' }),
  participantCount: z.int().openapi({ description: 'Participants in it now' }),
});

function voiceSessionJson(session: VoiceSessionRow): z.infer<typeof voiceSessionBody> {
  return {
    id: session.id,
    channelId: session.channel_id,
    startedBy: session.started_by,
    startedAt: session.started_at,
    endedAt: session.ended_at,
    maxParticipants: session.max_participants,
    participantCount: session.participant_count,
  };
}

const nextCursor = z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; `null` on the last page' });
const pageQuery = z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() });
const channelParams = z.strictObject({ waddle: pathId, channel: pathId });
const sessionParams = z.strictObject({ waddle: pathId, channel: pathId, session: pathId });
const VOICE_ERRORS = [...IN_WADDLE_ERRORS] as const;
const NOT_VOICE = 'Invalid input, or the channel is not a voice channel (`not_a_voice_channel`)';

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/voice-sessions?limit=&cursor=`: the sessions of a
 * voice channel the caller sees, most recently started first (open and ended; `limit` 1 to 100,
 * default 20). Stale participations of the waddle are closed first (see
 * `closeStaleParticipations`), so a session nobody kept alive is listed ended.
 *
 * ```sql
 * -- listVoiceSessions, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * SELECT … FROM voice_sessions AS s WHERE s.channel_id = ? … ORDER BY s.started_at DESC, s.id LIMIT ?   -- voice_sessions_by_channel
 * ```
 */
export const listVoiceSessionsRoute = createRoute({
  operationId: 'listVoiceSessions',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/voice-sessions',
  tags: ['voice'],
  summary: 'Recent voice sessions of a channel',
  middleware: AUTHENTICATED,
  request: { params: channelParams, query: pageQuery },
  responses: {
    200: jsonAnswer(
      z.strictObject({ sessions: z.array(voiceSessionBody), nextCursor }),
      'A page of the sessions, most recently started first',
    ),
    ...errorAnswers(VOICE_ERRORS, { 400: NOT_VOICE }),
  },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/voice-sessions`: starts a session in a voice
 * channel the caller sees, with the caller in it (and out of the session they were in: one
 * session of a waddle at a time). A channel has one open session at a time: 409 while one is.
 *
 * ```sql
 * -- startVoiceSession, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * INSERT INTO voice_sessions (channel_id, started_by, started_at) VALUES (?, ?, ?);
 * UPDATE voice_session_participants SET left_at = max(?, last_seen_at) WHERE user_id = ? AND left_at IS NULL;
 * INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at) SELECT id, ?, ?, ? FROM voice_sessions WHERE …;
 * SELECT … FROM voice_sessions AS s WHERE s.channel_id = ? AND s.ended_at IS NULL;
 * ```
 */
export const startVoiceSessionRoute = createRoute({
  operationId: 'startVoiceSession',
  method: 'post',
  path: '/v1/waddles/{waddle}/channels/{channel}/voice-sessions',
  tags: ['voice'],
  summary: 'Start a voice session',
  middleware: AUTHENTICATED,
  request: { params: channelParams, query: NO_QUERY },
  responses: {
    201: jsonAnswer(voiceSessionBody, 'The session, started, with the caller in it'),
    ...errorAnswers([...VOICE_ERRORS, 409], {
      400: NOT_VOICE,
      403: 'Banned, or the channel is archived (`channel_archived`)',
      409: 'The channel has an open session (`voice_session_open`): join it',
    }),
  },
});

/** A route acting on one session of a channel: `POST …/voice-sessions/{session}/<action>`. */
function sessionActionRoute<const Action extends 'join' | 'leave' | 'end', const Responses extends RouteConfig['responses']>(
  action: Action,
  summary: string,
  responses: Responses,
) {
  return createRoute({
    operationId: `${action}VoiceSession`,
    method: 'post',
    path: `/v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/${action}` as const,
    tags: ['voice'],
    summary,
    middleware: AUTHENTICATED,
    request: { params: sessionParams, query: NO_QUERY },
    responses,
  });
}

/**
 * `POST …/channels/{channel}/voice-sessions/{session}/join`: the caller joins an open session
 * (201), leaving the one they were in; joining one they are in is the keep-alive (200), which a
 * client repeats within 5 minutes (`VOICE_PARTICIPANT_TIMEOUT_MS`) or is closed as gone. An ended
 * session is a 409. `maxParticipants` is raised in the statement that inserts the participation.
 *
 * ```sql
 * -- joinVoiceSession, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * UPDATE voice_session_participants SET last_seen_at = max(?, last_seen_at) WHERE session_id = ? AND user_id = ? AND left_at IS NULL;
 * UPDATE voice_session_participants SET left_at = max(?, last_seen_at) WHERE user_id = ? AND left_at IS NULL AND session_id <> ? AND EXISTS (…);
 * INSERT INTO voice_session_participants (…) SELECT id, ?, ?, ? FROM voice_sessions WHERE id = ? AND channel_id = ? AND ended_at IS NULL AND NOT EXISTS (…);
 * SELECT … FROM voice_sessions AS s WHERE s.id = ? AND s.channel_id = ?;
 * ```
 */
export const joinVoiceSessionRoute = sessionActionRoute('join', 'Join a voice session, or keep one alive', {
  201: jsonAnswer(voiceSessionBody, 'Joined: the session with the caller in it'),
  200: jsonAnswer(voiceSessionBody, 'The caller was in it already: kept alive'),
  ...errorAnswers([...VOICE_ERRORS, 409], {
    400: NOT_VOICE,
    403: 'Banned, or the channel is archived (`channel_archived`)',
    404: 'No such waddle, channel, or session in this channel (or not visible)',
    409: 'The session has ended (`voice_session_ended`)',
  }),
});

/**
 * `POST …/channels/{channel}/voice-sessions/{session}/leave`: the caller leaves the session (200
 * with it as it is after; also when they were not in it). The last one out ends it.
 *
 * ```sql
 * -- leaveVoiceSession, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * UPDATE voice_session_participants SET left_at = max(?, last_seen_at) WHERE session_id = ? AND user_id = ? AND left_at IS NULL AND EXISTS (…);
 * SELECT … FROM voice_sessions AS s WHERE s.id = ? AND s.channel_id = ?;
 * ```
 */
export const leaveVoiceSessionRoute = sessionActionRoute('leave', 'Leave a voice session', {
  200: jsonAnswer(voiceSessionBody, 'The caller is not in it (any more): the session as it is'),
  ...errorAnswers(VOICE_ERRORS, { 400: NOT_VOICE, 404: 'No such waddle, channel, or session in this channel (or not visible)' }),
});

/**
 * `POST …/channels/{channel}/voice-sessions/{session}/end`: ends the session for everyone in it
 * (their participations close at the same time), by the member who started it or with
 * MANAGE_CHANNELS (then written to the audit log); an ended session answers 200 as it is.
 *
 * ```sql
 * -- endVoiceSession, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * UPDATE voice_sessions SET ended_at = max(?, started_at) WHERE id = ? AND channel_id = ? AND ended_at IS NULL [AND started_by = ?];
 * SELECT … FROM voice_sessions AS s WHERE s.id = ? AND s.channel_id = ?;
 * ```
 */
export const endVoiceSessionRoute = sessionActionRoute('end', 'End a voice session', {
  200: jsonAnswer(voiceSessionBody, 'The session, ended (now or before)'),
  ...errorAnswers(VOICE_ERRORS, {
    400: NOT_VOICE,
    403: 'Banned, or ending a session someone else started without MANAGE_CHANNELS (`missing_permission`)',
    404: 'No such waddle, channel, or session in this channel (or not visible)',
  }),
});

/**
 * `GET …/channels/{channel}/voice-sessions/{session}/participants?limit=&cursor=`: who was in the
 * session and when, one entry per stint (rejoining is a new one), in the order they joined
 * (`limit` 1 to 100, default 50).
 *
 * ```sql
 * -- listVoiceParticipants, one batch:
 * UPDATE voice_session_participants SET left_at = last_seen_at WHERE id IN (…);   -- not seen for 5 minutes
 * SELECT … FROM voice_sessions AS s WHERE s.id = ? AND s.channel_id = ?;
 * SELECT id, user_id, joined_at, last_seen_at, left_at FROM voice_session_participants WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?;
 * ```
 */
export const listVoiceParticipantsRoute = createRoute({
  operationId: 'listVoiceParticipants',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/participants',
  tags: ['voice'],
  summary: 'Participants of a voice session',
  middleware: AUTHENTICATED,
  request: { params: sessionParams, query: pageQuery },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        session: voiceSessionBody,
        participants: z.array(
          z.strictObject({
            userId: z.int(),
            joinedAt: z.int(),
            lastSeenAt: z.int().openapi({ description: 'Their last join or keep-alive' }),
            leftAt: z.int().nullable().openapi({ description: '`null` while they are in' }),
          }),
        ),
        nextCursor,
      }),
      'The session and a page of its participants, in the order they joined',
    ),
    ...errorAnswers(VOICE_ERRORS, { 400: NOT_VOICE, 404: 'No such waddle, channel, or session in this channel (or not visible)' }),
  },
});

/** The voice routes: a channel's sessions, starting, joining, leaving and ending one, its participants. */
export const voiceSessions = routeGroup()
  .openapi(listVoiceSessionsRoute, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const limit = query.limit ?? 20;
    const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, false);
    const rows = await listVoiceSessions(access.database, {
      channelId: channel.id,
      now: context.now,
      limit: limit + 1,
      after: after && { startedAt: after.key, id: after.id },
    });
    const { page, nextCursor } = keyedPage(rows, limit, (session) => ({ key: session.started_at, id: session.id }));
    return c.json({ sessions: page.map(voiceSessionJson), nextCursor }, 200);
  })
  .openapi(startVoiceSessionRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, true);
    const started = await startVoiceSession(access.database, { channelId: channel.id, userId: context.caller.id, now: context.now });
    if (started.outcome === 'channel_busy') throw conflict('voice_session_open', 'the channel has an open voice session: join it');
    return c.json(voiceSessionJson(started.session), 201);
  })
  .openapi(joinVoiceSessionRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, true);
    const joined = await joinVoiceSession(access.database, {
      channelId: channel.id,
      sessionId: params.session,
      userId: context.caller.id,
      now: context.now,
    });
    if (joined.outcome === 'not_found') throw notFound('voice session');
    if (joined.outcome === 'ended') throw conflict('voice_session_ended', 'the voice session has ended');
    return joined.outcome === 'joined' ? c.json(voiceSessionJson(joined.session), 201) : c.json(voiceSessionJson(joined.session), 200);
  })
  .openapi(leaveVoiceSessionRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, false);
    const left = await leaveVoiceSession(access.database, {
      channelId: channel.id,
      sessionId: params.session,
      userId: context.caller.id,
      now: context.now,
    });
    if (left.outcome === 'not_found') throw notFound('voice session');
    return c.json(voiceSessionJson(left.session), 200);
  })
  .openapi(endVoiceSessionRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, false);
    const ended = await endVoiceSession(access.database, {
      channelId: channel.id,
      sessionId: params.session,
      userId: context.caller.id,
      mayEndAny: access.has(Permission.MANAGE_CHANNELS),
      now: context.now,
    });
    if (ended.outcome === 'not_found') throw notFound('voice session');
    if (ended.outcome === 'not_allowed')
      throw forbidden('missing_permission', "ending another member's voice session needs MANAGE_CHANNELS");
    if (ended.outcome === 'ended' && ended.session.started_by !== context.caller.id) {
      await auditQuery(context, {
        action: 'voice_session.end',
        resourceType: 'voice_session',
        resourceId: `${access.waddle.id}:${ended.session.id}`,
        metadata: { channelId: channel.id, startedBy: ended.session.started_by },
      }).execute();
    }
    return c.json(voiceSessionJson(ended.session), 200);
  })
  .openapi(listVoiceParticipantsRoute, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const limit = query.limit ?? 50;
    const afterId = query.cursor === undefined ? undefined : decodeIdCursor(query.cursor);
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    requireVoiceChannel(channel, false);
    const { session, participations } = await listVoiceParticipants(access.database, {
      channelId: channel.id,
      sessionId: params.session,
      now: context.now,
      limit: limit + 1,
      afterId,
    });
    if (!session) throw notFound('voice session');
    const { page, nextCursor } = idPage(participations, limit);
    return c.json(
      {
        session: voiceSessionJson(session),
        participants: page.map((p) => ({ userId: p.user_id, joinedAt: p.joined_at, lastSeenAt: p.last_seen_at, leftAt: p.left_at })),
        nextCursor,
      },
      200,
    );
  });
