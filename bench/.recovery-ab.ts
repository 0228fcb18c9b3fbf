// node --import tsx recovery-ab.ts <worktree>: CPU µs per broadcast through the bounded recovery adapter
import { createServer } from 'node:http';
const root = process.argv[2];
const { boundedRecoveryAdapter } = await import(`${root}/src/realtime/bounded-recovery.ts`);
const { Server } = await import(`${root}/node_modules/socket.io/dist/index.js`);
const http = createServer();
const parser = await import(`${root}/src/realtime/json-encoder.ts`).then((m) => m.jsonParser).catch(() => undefined);
const io = new Server(http, { adapter: boundedRecoveryAdapter({ maxPackets: 20_000, maxBytes: 64 * 1024 * 1024 }), connectionStateRecovery: { maxDisconnectionDuration: 120_000 }, ...(parser && { parser }) });
const N = Number(process.env.N ?? 200_000);
const chat = (i: number) => ({ _id: `chat-${i % 100}`.padEnd(24, '0'), userId: `user-${i % 100}`, userName: 'Bench user', status: 'active', assignedAdminId: 'admin-1', assignedAdminName: 'Admin', isLocked: false, lockedByAdminId: null, lockedByAdminName: null, lastMessage: `message ${i}`, lastMessageAt: new Date().toISOString(), unreadCount: i % 7, userOnline: true, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), labels: [] });
const message = (i: number) => ({ _id: `${i}`.padStart(24, '0'), chatId: `chat-${i % 100}`.padEnd(24, '0'), seq: i, senderId: `user-${i % 100}`, senderType: 'user', senderName: 'Bench user', content: `hello there, message number ${i} with some text`, messageType: 'text', fileUrl: null, isRead: false, readAt: null, clientMessageId: `cm-${i}`, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
const run = async (n: number) => { for (let i = 0; i < n; i++) { const m = message(i); io.to(`chat:${i % 100}`).emit('new-message', { message: m }); io.to(`admin:${i % 3}`).emit('message-notification', { chatId: m.chatId, message: m, chat: chat(i) }); if (i % 100 === 0) await new Promise((r) => setImmediate(r)); } };
await run(40_000);
const t0 = process.cpuUsage();
await run(N);
const u = process.cpuUsage(t0);
console.log(`${root.split('/').pop()}: ${((u.user + u.system) / N).toFixed(2)} µs CPU per message (2 broadcasts), heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, external ${(process.memoryUsage().external / 1e6).toFixed(0)} MB`);
io.close();
