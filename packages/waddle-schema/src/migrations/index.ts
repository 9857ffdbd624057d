import type { Migration } from '@waddle/migrator/migration';
import { createCategories } from './0001_create_categories.ts';
import { createChannels } from './0002_create_channels.ts';
import { createThreads } from './0003_create_threads.ts';
import { createMessages } from './0004_create_messages.ts';
import { createMessageEdits } from './0005_create_message_edits.ts';
import { createReactions } from './0006_create_reactions.ts';
import { createRoles } from './0007_create_roles.ts';
import { createMemberRoles } from './0008_create_member_roles.ts';
import { createBans } from './0009_create_bans.ts';
import { createVoiceSessions } from './0010_create_voice_sessions.ts';
import { createMessageAttachments } from './0011_create_message_attachments.ts';
import { createReadStates } from './0012_create_read_states.ts';
import { maintainActivity } from './0013_maintain_activity.ts';
import { createMessagesFts } from './0014_create_messages_fts.ts';
import { indexRecentThreadMessages } from './0015_index_recent_thread_messages.ts';
import { addDefaultRole } from './0016_add_default_role.ts';
import { createSlowModeClocks } from './0017_create_slow_mode_clocks.ts';
import { addVoiceSessionStarter } from './0018_add_voice_session_starter.ts';
import { indexThreadsByCreator } from './0019_index_threads_by_creator.ts';
import { flagMessageDecorations } from './0020_flag_message_decorations.ts';
import { createMentionsAndFollows } from './0021_create_mentions_and_follows.ts';
import { followThreadsMessagesMoveInto } from './0022_follow_threads_messages_move_into.ts';
import { createChannelOverwrites } from './0023_create_channel_overwrites.ts';
import { trackAttachmentObjects } from './0024_track_attachment_objects.ts';
import { createVoiceParticipants } from './0025_create_voice_participants.ts';
import { createShardFence } from './0026_create_shard_fence.ts';
import { indexThreadMessagesLiveness } from './0027_index_thread_messages_liveness.ts';
import { addReplyToElsewhere } from './0028_add_reply_to_elsewhere.ts';
import { flagSharedMentionMessages } from './0029_flag_shared_mention_messages.ts';

/** Every migration of a waddle database, oldest first. Append only: merged migrations are frozen. */
export const waddleMigrations: readonly Migration[] = [
  createCategories,
  createChannels,
  createThreads,
  createMessages,
  createMessageEdits,
  createReactions,
  createRoles,
  createMemberRoles,
  createBans,
  createVoiceSessions,
  createMessageAttachments,
  createReadStates,
  maintainActivity,
  createMessagesFts,
  indexRecentThreadMessages,
  addDefaultRole,
  createSlowModeClocks,
  addVoiceSessionStarter,
  indexThreadsByCreator,
  flagMessageDecorations,
  createMentionsAndFollows,
  followThreadsMessagesMoveInto,
  createChannelOverwrites,
  trackAttachmentObjects,
  createVoiceParticipants,
  createShardFence,
  indexThreadMessagesLiveness,
  addReplyToElsewhere,
  flagSharedMentionMessages,
];
