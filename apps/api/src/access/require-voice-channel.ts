import type { ChannelRow } from '@waddle/queries/channels/channel-row';
import { badRequest, forbidden } from '../http/api-error.ts';

/**
 * Refuses what a voice route cannot do in this channel (the caller sees it: `openWaddle` checked).
 * Reads no database.
 *
 * | the channel | every voice route | starting, joining |
 * | --- | --- | --- |
 * | `channels.type` other than `voice` | 400 `not_a_voice_channel` | |
 * | archived | | 403 `channel_archived` (leaving, ending and reading still work) |
 */
export function requireVoiceChannel(channel: Pick<ChannelRow, 'type' | 'is_archived'>, entering: boolean): void {
  if (channel.type !== 'voice') throw badRequest('not_a_voice_channel', `a ${channel.type} channel has no voice sessions`);
  if (entering && channel.is_archived) throw forbidden('channel_archived', 'the channel is archived');
}
