/** The message a chat's own user sends, as the store receives it from sendMessage. */
import type { Chat } from '../../src/schemas/shapes.js';
import type { MessageDraft } from '../../src/store/store.js';

export const userDraft = (
  chat: Pick<Chat, '_id' | 'userId'>,
  content: string,
  clientMessageId: string | null = null,
): MessageDraft => ({
  chatId: chat._id,
  senderId: chat.userId,
  senderRole: 'user',
  senderType: 'user',
  senderName: 'U',
  content,
  messageType: 'text',
  fileUrl: null,
  clientMessageId,
  effect: { lastMessage: content, unreadIncrement: 1 },
});
