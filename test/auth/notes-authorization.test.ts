/**
 * Internal notes never reach a user (AUTH_MODE=jwt, on each store): not by socket, not in
 * history, and `includeNotes` is refused to them (test/helpers/note-leaks.ts). The
 * authorization matrix (authorization.test.ts) has the rows of who may write and read them;
 * test/cluster/notes.test.ts runs the same scene across two nodes.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { noteNeverReachesTheUser } from '../helpers/note-leaks.js';
import { ONE_NODE_QUIET_MS } from '../helpers/quiet.js';
import { startTestServer } from '../helpers/server.js';
import type { TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { JWT_ENV } from '../helpers/tokens.js';

describe.each(await storeTargets())('internal notes and users on $name (jwt)', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config, JWT_ENV);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  it('a user never gets a note: not by socket (own room or chat room), not in history, not with includeNotes', async () => {
    await noteNeverReachesTheUser(
      { writer: server, reader: server, quietMs: ONE_NODE_QUIET_MS },
      clients,
    );
  });
});
