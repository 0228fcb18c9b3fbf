/**
 * The rooms events are addressed to, named as v2 named them (docs/protocol.md, "Rooms"):
 * part of the contract, since v2 clients were written against them. The use cases address
 * their events with these; the realtime code joins sockets to them.
 */
export const rooms = {
  admins: 'admins',
  admin: (adminId: string) => `admin-${adminId}`,
  user: (userId: string) => `user-${userId}`,
  chat: (chatId: string) => `chat-${chatId}`,
} as const;
