import type { Route } from '../http/route.ts';
import { route } from '../http/route.ts';
import { openApiDocument } from '../openapi/openapi-document.ts';
import { banMember, listBans, unbanMember } from './bans.ts';
import { createCategory, deleteCategory, updateCategory } from './categories.ts';
import { archiveChannel, createChannel, listChannels, updateChannel } from './channels.ts';
import { getMe } from './me.ts';
import { joinWaddle, listMembers, removeMember } from './members.ts';
import {
  deleteMessageRoute,
  editMessageRoute,
  listChannelMessages,
  listPins,
  listThreadMessages,
  pinMessage,
  postChannelMessage,
  unpinMessage,
} from './messages.ts';
import { advanceExportRoute, eraseMeRoute, exportJobRoute, startExportRoute } from './privacy.ts';
import { addReaction, removeReaction } from './reactions.ts';
import { listUnreads, markReadRoute } from './read-state.ts';
import { createRole, deleteRole, grantRole, listRoles, revokeRole, updateRole } from './roles.ts';
import { searchRoute } from './search.ts';
import { health } from './service.ts';
import { createThread, listThreads, updateThread } from './threads.ts';
import { createWaddleRoute, getWaddle, listDirectory, listMyWaddles } from './waddles.ts';

const apiRoutes: Route[] = [
  health,
  getMe,
  startExportRoute,
  exportJobRoute,
  advanceExportRoute,
  eraseMeRoute,
  listMyWaddles,
  createWaddleRoute,
  getWaddle,
  listDirectory,
  listMembers,
  joinWaddle,
  removeMember,
  listChannels,
  createChannel,
  updateChannel,
  archiveChannel,
  createCategory,
  updateCategory,
  deleteCategory,
  listChannelMessages,
  listThreadMessages,
  postChannelMessage,
  editMessageRoute,
  deleteMessageRoute,
  pinMessage,
  unpinMessage,
  listPins,
  addReaction,
  removeReaction,
  listThreads,
  createThread,
  updateThread,
  searchRoute,
  markReadRoute,
  listUnreads,
  listRoles,
  createRole,
  updateRole,
  deleteRole,
  grantRole,
  revokeRole,
  listBans,
  banMember,
  unbanMember,
] as Route[];

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of every route, itself included (no token). */
const openApi: Route = route({
  method: 'GET',
  path: '/v1/openapi.json',
  tag: 'service',
  summary: 'This OpenAPI document',
  public: true,
  handle: async () => document,
}) as Route;

/** Every route the API Worker serves, in the order the router tries them. */
export const allRoutes: readonly Route[] = [...apiRoutes, openApi];

const document = openApiDocument(allRoutes);
