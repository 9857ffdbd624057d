import { Permission } from '../src/access/permissions.ts';
import { ATTACHMENT, CHANNEL, MESSAGE, type Persona, ROLE, THREAD, UPLOAD, USER, VOICE_SESSION, WADDLE } from './fixture.ts';

/** A request that succeeds on the fresh test platform, for one route. */
export interface RouteExample {
  /** The concrete path (ids of the fixture). */
  readonly path: string;
  readonly body?: unknown;
  /** Who succeeds with it. */
  readonly as: Persona;
  readonly status: number;
  /** A body that must be refused (400 or 413) with nothing written, for routes that take one. */
  readonly invalidBody?: unknown;
  /** A query string that must be refused with nothing written, for routes that take a query. */
  readonly invalidQuery?: string;
}

const w = `/v1/waddles/${WADDLE.private}`;
const lounge = `${w}/channels/${CHANNEL.lounge}/voice-sessions/${VOICE_SESSION.lounge}`;

/** One succeeding request per route, by `METHOD path-pattern`. The tests check that every route has one. */
export const ROUTE_EXAMPLES: Record<string, RouteExample> = {
  'GET /v1/me': { path: '/v1/me', as: 'member', status: 200 },
  'POST /v1/me/export': { path: '/v1/me/export', as: 'member', status: 202 },
  'DELETE /v1/me': { path: '/v1/me', as: 'member', status: 200 },
  'GET /v1/waddles': { path: '/v1/waddles', as: 'member', status: 200, invalidQuery: '?limit=0' },
  'GET /v1/waddles/{waddle}': { path: w, as: 'member', status: 200 },
  'GET /v1/directory': { path: '/v1/directory', as: 'outsider', status: 200, invalidQuery: '?limit=0' },
  'GET /v1/waddles/{waddle}/members': {
    path: `${w}/members`,
    as: 'member',
    status: 200,
    invalidQuery: '?cursor=%27%3B%20DROP%20TABLE%20users',
  },
  'POST /v1/waddles/{waddle}/members': { path: `/v1/waddles/${WADDLE.public}/members`, as: 'outsider', status: 201 },
  'DELETE /v1/waddles/{waddle}/members/{user}': { path: `${w}/members/${USER.member}`, as: 'moderator', status: 204 },
  'GET /v1/waddles/{waddle}/channels': { path: `${w}/channels`, as: 'member', status: 200 },
  'POST /v1/waddles/{waddle}/channels': {
    path: `${w}/channels`,
    body: { name: 'new-channel', isPrivate: true, slowModeSeconds: 5 },
    as: 'moderator',
    status: 201,
    invalidBody: { name: 'x', slowModeSeconds: 999_999 },
  },
  'PATCH /v1/waddles/{waddle}/channels/{channel}': {
    path: `${w}/channels/${CHANNEL.general}`,
    body: { description: 'Talk here' },
    as: 'moderator',
    status: 200,
    invalidBody: { description: 'ok', color: '#fff' },
  },
  'POST /v1/waddles/{waddle}/channels/{channel}/archive': {
    path: `${w}/channels/${CHANNEL.general}/archive`,
    as: 'moderator',
    status: 200,
  },
  'GET /v1/waddles/{waddle}/channels/{channel}/overwrites': {
    path: `${w}/channels/${CHANNEL.general}/overwrites`,
    as: 'moderator',
    status: 200,
  },
  'PUT /v1/waddles/{waddle}/channels/{channel}/overwrites/roles/{role}': {
    path: `${w}/channels/${CHANNEL.general}/overwrites/roles/${ROLE.helper}`,
    body: { deny: Permission.SEND_MESSAGES },
    as: 'moderator',
    status: 200,
    invalidBody: { allow: Permission.SEND_MESSAGES, deny: Permission.SEND_MESSAGES },
  },
  'DELETE /v1/waddles/{waddle}/channels/{channel}/overwrites/roles/{role}': {
    path: `${w}/channels/${CHANNEL.secret}/overwrites/roles/${ROLE.moderator}`,
    as: 'owner',
    status: 204,
  },
  'PUT /v1/waddles/{waddle}/channels/{channel}/overwrites/members/{user}': {
    path: `${w}/channels/${CHANNEL.general}/overwrites/members/${USER.member}`,
    body: { allow: 0, deny: Permission.ADD_REACTIONS },
    as: 'moderator',
    status: 200,
    invalidBody: { deny: Permission.BAN_MEMBERS },
  },
  'DELETE /v1/waddles/{waddle}/channels/{channel}/overwrites/members/{user}': {
    path: `${w}/channels/${CHANNEL.secret}/overwrites/members/${USER.moderator}`,
    as: 'owner',
    status: 204,
  },
  'POST /v1/waddles/{waddle}/categories': {
    path: `${w}/categories`,
    body: { name: 'Voice' },
    as: 'moderator',
    status: 201,
    invalidBody: { name: '' },
  },
  'PATCH /v1/waddles/{waddle}/categories/{category}': {
    path: `${w}/categories/1`,
    body: { name: 'Chat' },
    as: 'moderator',
    status: 200,
    invalidBody: {},
  },
  'DELETE /v1/waddles/{waddle}/categories/{category}': { path: `${w}/categories/1`, as: 'moderator', status: 204 },
  'GET /v1/waddles/{waddle}/channels/{channel}/messages': {
    path: `${w}/channels/${CHANNEL.general}/messages?anchor=newest&before=10`,
    as: 'member',
    status: 200,
    invalidQuery: '?before=500',
  },
  'GET /v1/waddles/{waddle}/threads/{thread}/messages': {
    path: `${w}/threads/${THREAD.welcome}/messages`,
    as: 'member',
    status: 200,
    invalidQuery: '?anchor=latest',
  },
  'POST /v1/waddles/{waddle}/channels/{channel}/messages': {
    path: `${w}/channels/${CHANNEL.general}/messages`,
    body: { content: 'a new message', threadId: THREAD.welcome, replyToId: MESSAGE.inThread },
    as: 'member',
    status: 201,
    invalidBody: { content: 'x'.repeat(4001) },
  },
  'PATCH /v1/waddles/{waddle}/messages/{message}': {
    path: `${w}/messages/${MESSAGE.byMember}`,
    body: { content: 'hello penguins (edited)' },
    as: 'member',
    status: 200,
    invalidBody: { content: '   ' },
  },
  'DELETE /v1/waddles/{waddle}/messages/{message}': { path: `${w}/messages/${MESSAGE.byMember}`, as: 'moderator', status: 204 },
  'POST /v1/waddles/{waddle}/messages/{message}/attachments': {
    path: `${w}/messages/${MESSAGE.byMember}/attachments?filename=plan.json`,
    body: { plan: 'more fish' },
    as: 'member',
    status: 201,
    invalidQuery: '?filename=a/b',
  },
  'POST /v1/waddles/{waddle}/messages/{message}/uploads': {
    path: `${w}/messages/${MESSAGE.byMember}/uploads`,
    body: { filename: 'film.mp4', contentType: 'video/mp4', sizeBytes: 12_000_000 },
    as: 'member',
    status: 201,
    invalidBody: { filename: 'film.mp4', contentType: 'video/mp4', sizeBytes: 0 },
  },
  'PUT /v1/waddles/{waddle}/uploads/{upload}/parts/{part}': {
    path: `${w}/uploads/${UPLOAD.id}/parts/1`,
    body: JSON.parse(UPLOAD.content),
    as: 'member',
    status: 200,
  },
  'POST /v1/waddles/{waddle}/uploads/{upload}/complete': { path: `${w}/uploads/${UPLOAD.id}/complete`, as: 'member', status: 201 },
  'GET /v1/waddles/{waddle}/attachments/{attachment}': { path: `${w}/attachments/${ATTACHMENT.id}`, as: 'member', status: 200 },
  'PUT /v1/waddles/{waddle}/messages/{message}/pin': { path: `${w}/messages/${MESSAGE.byMember}/pin`, as: 'moderator', status: 204 },
  'DELETE /v1/waddles/{waddle}/messages/{message}/pin': { path: `${w}/messages/${MESSAGE.byMember}/pin`, as: 'moderator', status: 204 },
  'GET /v1/waddles/{waddle}/messages/{message}/edits': {
    path: `${w}/messages/${MESSAGE.byMember}/edits?limit=10`,
    as: 'member',
    status: 200,
    invalidQuery: '?limit=101',
  },
  'GET /v1/waddles/{waddle}/channels/{channel}/voice-sessions': {
    path: `${w}/channels/${CHANNEL.lounge}/voice-sessions?limit=10`,
    as: 'member',
    status: 200,
    invalidQuery: '?limit=0',
  },
  'POST /v1/waddles/{waddle}/channels/{channel}/voice-sessions': {
    path: `${w}/channels/${CHANNEL.stage}/voice-sessions`,
    as: 'member',
    status: 201,
  },
  'POST /v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/join': { path: `${lounge}/join`, as: 'member', status: 201 },
  'POST /v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/leave': { path: `${lounge}/leave`, as: 'moderator', status: 200 },
  'POST /v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/end': { path: `${lounge}/end`, as: 'moderator', status: 200 },
  'GET /v1/waddles/{waddle}/channels/{channel}/voice-sessions/{session}/participants': {
    path: `${lounge}/participants`,
    as: 'member',
    status: 200,
    invalidQuery: '?cursor=not-a-cursor',
  },
  'GET /v1/waddles/{waddle}/channels/{channel}/pins': { path: `${w}/channels/${CHANNEL.general}/pins`, as: 'member', status: 200 },
  'PUT /v1/waddles/{waddle}/messages/{message}/reactions/{emoji}': {
    path: `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent('🐧')}`,
    as: 'member',
    status: 204,
  },
  'DELETE /v1/waddles/{waddle}/messages/{message}/reactions/{emoji}': {
    path: `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent('👍')}`,
    as: 'member',
    status: 204,
  },
  'GET /v1/waddles/{waddle}/channels/{channel}/threads': {
    path: `${w}/channels/${CHANNEL.general}/threads?sort=active`,
    as: 'member',
    status: 200,
    invalidQuery: '?sort=oldest',
  },
  'POST /v1/waddles/{waddle}/channels/{channel}/threads': {
    path: `${w}/channels/${CHANNEL.general}/threads`,
    body: { title: 'Ice fishing' },
    as: 'member',
    status: 201,
    invalidBody: { title: 'x'.repeat(201) },
  },
  'PATCH /v1/waddles/{waddle}/threads/{thread}': {
    path: `${w}/threads/${THREAD.welcome}`,
    body: { locked: true },
    as: 'moderator',
    status: 200,
    invalidBody: { locked: 'yes' },
  },
  'GET /v1/waddles/{waddle}/search': { path: `${w}/search?q=penguins`, as: 'member', status: 200, invalidQuery: '?q=penguins&sort=best' },
  'PUT /v1/waddles/{waddle}/channels/{channel}/read': {
    path: `${w}/channels/${CHANNEL.general}/read`,
    body: { messageId: MESSAGE.byModerator },
    as: 'member',
    status: 200,
    invalidBody: { messageId: -1 },
  },
  'GET /v1/waddles/{waddle}/unreads': { path: `${w}/unreads`, as: 'member', status: 200 },
  'GET /v1/waddles/{waddle}/mentions': { path: `${w}/mentions?limit=10`, as: 'member', status: 200, invalidQuery: '?limit=0' },
  'GET /v1/waddles/{waddle}/badges': { path: `${w}/badges`, as: 'member', status: 200, invalidQuery: '?cap=5' },
  'GET /v1/waddles/{waddle}/followed-threads': {
    path: `${w}/followed-threads?onlyUnread=true`,
    as: 'member',
    status: 200,
    invalidQuery: '?onlyUnread=yes',
  },
  'GET /v1/waddles/{waddle}/channels/{channel}/followed-threads': {
    path: `${w}/channels/${CHANNEL.general}/followed-threads?limit=10`,
    as: 'member',
    status: 200,
    invalidQuery: '?cursor=not-a-cursor',
  },
  'PUT /v1/waddles/{waddle}/threads/{thread}/follow': {
    path: `${w}/threads/${THREAD.welcome}/follow`,
    body: { state: 'muted' },
    as: 'member',
    status: 200,
    invalidBody: { state: 'ignored' },
  },
  'PUT /v1/waddles/{waddle}/threads/{thread}/read': {
    path: `${w}/threads/${THREAD.welcome}/read`,
    body: { messageId: MESSAGE.inThread },
    as: 'member',
    status: 200,
    invalidBody: { messageId: 0 },
  },
  'GET /v1/waddles/{waddle}/notification-level': { path: `${w}/notification-level`, as: 'member', status: 200 },
  'PUT /v1/waddles/{waddle}/notification-level': {
    path: `${w}/notification-level`,
    body: { level: 'mentions' },
    as: 'member',
    status: 200,
    invalidBody: { level: 'loud' },
  },
  'PUT /v1/waddles/{waddle}/channels/{channel}/notification-level': {
    path: `${w}/channels/${CHANNEL.general}/notification-level`,
    body: { level: 'none' },
    as: 'member',
    status: 200,
    invalidBody: { level: 'quiet' },
  },
  'GET /v1/waddles/{waddle}/roles': { path: `${w}/roles`, as: 'member', status: 200 },
  'POST /v1/waddles/{waddle}/roles': {
    path: `${w}/roles`,
    body: { name: 'Artist', color: '#ff8800', permissions: 1 },
    as: 'moderator',
    status: 201,
    invalidBody: { name: 'Artist', permissions: 1 << 20 },
  },
  'PATCH /v1/waddles/{waddle}/roles/{role}': {
    path: `${w}/roles/${ROLE.helper}`,
    body: { name: 'Helpers' },
    as: 'moderator',
    status: 200,
    invalidBody: { name: 'Helpers', permissions: 'all' },
  },
  'DELETE /v1/waddles/{waddle}/roles/{role}': { path: `${w}/roles/${ROLE.helper}`, as: 'moderator', status: 204 },
  'PUT /v1/waddles/{waddle}/members/{user}/roles/{role}': {
    path: `${w}/members/${USER.member}/roles/${ROLE.helper}`,
    as: 'moderator',
    status: 204,
  },
  'DELETE /v1/waddles/{waddle}/members/{user}/roles/{role}': {
    path: `${w}/members/${USER.moderator}/roles/${ROLE.moderator}`,
    as: 'owner',
    status: 204,
  },
  'GET /v1/waddles/{waddle}/bans': { path: `${w}/bans`, as: 'moderator', status: 200 },
  'PUT /v1/waddles/{waddle}/bans/{user}': {
    path: `${w}/bans/${USER.member}`,
    body: { reason: 'spam' },
    as: 'moderator',
    status: 200,
    invalidBody: { reason: 'spam', expiresAt: 'tomorrow' },
  },
  'DELETE /v1/waddles/{waddle}/bans/{user}': { path: `${w}/bans/${USER.banned}`, as: 'moderator', status: 204 },
};
