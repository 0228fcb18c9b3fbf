/**
 * Erasure and the audit log's details: what the user wrote that an entry quotes (an
 * attachment's file name, in `attachment.downloaded`) is sealed like their id and name,
 * and the chains still verify.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import type { RunningServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { whereStored } from '../helpers/text-scan.js';
import { upload, uploaded } from '../helpers/uploads.js';

/** Text that appears nowhere unless the test wrote it (whereStored looks for it). */
const newMarker = () => `zq${randomUUID().replaceAll('-', '').slice(0, 10)}`;

/** The user erased by a superadmin (AUTH_MODE=none names the caller in the query). */
const eraseAsSuperAdmin = (server: RunningServer, userId: string) =>
  api(server, 'DELETE', `/api/users/${userId}?adminId=eraser&isSuperAdmin=true`);

/** Nothing stored still holds `marker`, and every audit chain verifies; then the database goes. */
async function expectErasedAndVerified(db: TestDatabase, marker: string): Promise<void> {
  expect(await whereStored(db.config, [marker])).toEqual([]);
  const store = await openStore(db.config);
  try {
    const verified = await verifyAudit(store.audit);
    expect(verified.ok, JSON.stringify(verified)).toBe(true);
  } finally {
    await store.close();
    await db.drop();
  }
}

describe.each(await storeTargets())('erasure of audit details on $name', (target) => {
  it('attachment names quoted by attachment.downloaded, in a chat or not, are not left after the erasure', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const marker = newMarker();
    const userId = `erase-${randomUUID().slice(0, 8)}`;
    const sender = { senderId: userId, senderType: 'user', senderName: 'Olim' };
    try {
      const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      const chatId = (opened.body.chat as { _id: string })._id;
      const file = uploaded(
        await upload(server, {
          bytes: 'statement',
          name: `statement of ${marker}.txt`,
          type: 'text/plain',
          fields: { ...sender, chatId },
        }),
      );
      const sent = await api(server, 'POST', '/api/messages', {
        ...sender,
        chatId,
        content: '',
        attachmentId: file.id,
      });
      expect(sent.status).toBe(200);
      // One no message used: its entry is on no chat's chain.
      const unused = uploaded(
        await upload(server, {
          bytes: 'draft',
          name: `draft of ${marker}.txt`,
          type: 'text/plain',
          fields: sender,
        }),
      );
      for (const url of [file.url, unused.url]) {
        const download = await fetch(`${server.url}${url}`);
        expect(download.status).toBe(200);
        await download.arrayBuffer();
      }
      const erased = await eraseAsSuperAdmin(server, userId);
      expect(erased.status).toBe(200);
    } finally {
      await server.close();
    }
    await expectErasedAndVerified(db, marker);
  });

  it('a name and an id that start with erased: are sealed by the erasure like any other', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const marker = newMarker();
    // Sealed-looking, not sealed: only `erased:` and the hash's 32 hex digits are.
    const userId = `erased:${marker}`;
    const userName = `erased: Olim ${marker}`;
    try {
      const opened = await api(server, 'POST', '/api/chats', { userId, userName });
      expect(opened.status, JSON.stringify(opened.body)).toBe(200);
      const chatId = (opened.body.chat as { _id: string })._id;
      const sent = await api(server, 'POST', '/api/messages', {
        chatId,
        senderId: userId,
        senderType: 'user',
        senderName: userName,
        content: 'hello',
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      const erased = await eraseAsSuperAdmin(server, userId);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(erased.body).toMatchObject({ alreadyErased: false, chats: 1 });
    } finally {
      await server.close();
    }
    await expectErasedAndVerified(db, marker);
  });
});

describe.each(await storeTargets())('erasure of a user without a chat on $name', (target) => {
  it('a user whose only data is an upload no message used is erased: the file, its name, the entries', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const marker = newMarker();
    const userId = `erase-${randomUUID().slice(0, 8)}`;
    try {
      const file = uploaded(
        await upload(server, {
          bytes: 'passport',
          name: `passport of ${marker}.txt`,
          type: 'text/plain',
          fields: { senderId: userId, senderType: 'user', senderName: 'Olim' },
        }),
      );
      const download = await fetch(`${server.url}${file.url}`);
      expect(download.status).toBe(200);
      await download.arrayBuffer();
      const erased = await eraseAsSuperAdmin(server, userId);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(erased.body).toMatchObject({ alreadyErased: false, chats: 0, attachments: 1 });
      expect((await fetch(`${server.url}${file.url}`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expectErasedAndVerified(db, marker);
  });

  it('a second DELETE of a user who had no chat answers 200 alreadyErased, as for one who had chats', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const marker = newMarker();
    const userId = `erase-${randomUUID().slice(0, 8)}`;
    try {
      uploaded(
        await upload(server, {
          bytes: 'passport',
          name: `passport of ${marker}.txt`,
          type: 'text/plain',
          fields: { senderId: userId, senderType: 'user', senderName: 'Olim' },
        }),
      );
      const first = await eraseAsSuperAdmin(server, userId);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body).toMatchObject({ alreadyErased: false, chats: 0, attachments: 1 });
      const again = await eraseAsSuperAdmin(server, userId);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ alreadyErased: true, chats: 0, auditEntries: 0 });
      // The repeat wrote nothing: one user.erased entry.
      const erasures = await server.store.audit.list({ action: 'user.erased', limit: 10 });
      expect(erasures.entries).toHaveLength(1);
    } finally {
      await server.close();
    }
    await expectErasedAndVerified(db, marker);
  });
});

describe.each(await storeTargets())(
  'erasure without a live chat (after retention, or an admin id) on $name',
  (target) => {
    it('a user whose chats retention purged is erased from the audit entries that still name them', async () => {
      const db = await target.create();
      const server = await startTestServer(db.config);
      const marker = newMarker();
      const userId = `erase-${marker}`;
      try {
        const opened = await api(server, 'POST', '/api/chats', {
          userId,
          userName: `Olim ${marker}`,
        });
        const chatId = (opened.body.chat as { _id: string })._id;
        const closed = await api(server, 'PATCH', `/api/chats/${chatId}/close`, { userId });
        expect(closed.status).toBe(200);
        const rated = await api(server, 'POST', `/api/chats/${chatId}/rating`, {
          userId,
          score: 4,
        });
        expect(rated.status).toBe(200);
        const purged = await server.store.privacy.purgeClosedBefore(
          new Date(Date.now() + 60_000).toISOString(),
          100,
        );
        expect(purged.chats).toBeGreaterThan(0);
        const erased = await eraseAsSuperAdmin(server, userId);
        expect(erased.status, JSON.stringify(erased.body)).toBe(200);
        expect(erased.body).toMatchObject({ alreadyErased: false, chats: 0 });
      } finally {
        await server.close();
      }
      await expectErasedAndVerified(db, marker);
    });

    it("an admin's id names no user: 404, and the admin's upload and entries stay", async () => {
      const db = await target.create();
      const server = await startTestServer(db.config);
      const adminId = `admin-${randomUUID().slice(0, 8)}`;
      try {
        const opened = await api(server, 'POST', '/api/chats', {
          userId: `u-${adminId}`,
          userName: 'U',
        });
        const chatId = (opened.body.chat as { _id: string })._id;
        const taken = await api(server, 'POST', '/api/chats/assign', {
          chatId,
          adminId,
          adminName: 'Ali',
        });
        expect(taken.status).toBe(200);
        const file = uploaded(
          await upload(server, {
            bytes: 'invoice',
            name: 'invoice.txt',
            type: 'text/plain',
            fields: { chatId, senderId: adminId, senderType: 'admin', senderName: 'Ali' },
          }),
        );
        const erased = await eraseAsSuperAdmin(server, adminId);
        expect(erased.status, JSON.stringify(erased.body)).toBe(404);
        expect((await fetch(`${server.url}${file.url}`)).status).toBe(200);
        const held = await server.store.audit.list({ actorId: adminId, limit: 10 });
        expect(held.entries.map((e) => e.action)).toContain('chat.taken');
      } finally {
        await server.close();
        await db.drop();
      }
    });
  },
);
