/**
 * The ceiling: a bare Socket.io relay that stores nothing and checks nothing, but does the
 * fan-out the contract asks for a user's message in an assigned chat: `new-message` to
 * the chat room, `message-notification` to the assignee's room, and the sender's ack.
 * Stock Socket.io: default options but `transports: ['websocket']` (the load generator's
 * transport), so no connection-state recovery buffer and no write coalescing. With
 * RELAY_COALESCE=1 it also coalesces socket writes as the server does (coalesceWrites):
 * the bench reports the server against both, so that what persistence costs is not
 * confused with what a transport optimisation gains.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { coalesceWrites } from '../src/realtime/coalesce-writes.js';
import type { ChatServer } from '../src/realtime/types.js';

type Payload = Record<string, string>;
type Ack = (reply: unknown) => void;

const http = createServer();
// Untyped on purpose: the relay checks nothing (no connection limit either).
const io = new Server(http, { transports: ['websocket'] });
if (process.env.RELAY_COALESCE === '1') coalesceWrites(io as unknown as ChatServer);
let seq = 0;

io.on('connection', (socket) => {
  socket.on('join-user', (p: Payload, ack?: Ack) => {
    void socket.join(`user-${p.userId}`);
    ack?.({ success: true });
  });
  socket.on('join-admin', (p: Payload, ack?: Ack) => {
    void socket.join(['admins', `admin-${p.adminId}`]);
    ack?.({ success: true });
  });
  socket.on('join-chat', (p: Payload, ack?: Ack) => {
    void socket.join(`chat-${p.chatId}`);
    ack?.({ success: true });
  });
  socket.on('send-message', (p: Payload, ack?: Ack) => {
    seq += 1;
    const message = { ...p, _id: String(seq), seq, createdAt: new Date().toISOString() };
    io.to(`chat-${p.chatId}`).emit('new-message', { message });
    if (p.notify) io.to(p.notify).emit('message-notification', { chatId: p.chatId, message });
    ack?.({ success: true, message });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
