/**
 * A store as a node sees it when its cached chat row is one change behind (another node
 * changed the chat and its notice has not arrived): the first read of that chat answers
 * the old row, later reads go to the store. What the use case decides on that old row
 * the store's conditional statement must still refuse.
 */

import { knownAdmins } from '../../src/admins/known-admins.js';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import { recentDownloads } from '../../src/attachments/recent-downloads.js';
import type { WithAttachments } from '../../src/attachments/services.js';
import { linkSigner } from '../../src/attachments/signed-urls.js';
import { UNLIMITED } from '../../src/attachments/upload-budget.js';
import { DEFAULT_PACE } from '../../src/attachments/upload-pace.js';
import type { Deps } from '../../src/deps.js';
import { createLimits } from '../../src/limits/rate-limiter.js';
import { LocalPresence } from '../../src/presence/presence.js';
import type { Chat } from '../../src/schemas/shapes.js';
import type { Store } from '../../src/store/store.js';
import { TUNABLES } from '../../src/tunables.js';

export function staleFirstRead(store: Store, old: Chat): Store {
  let served = false;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'getChat')
        return (chatId: string) => {
          if (served || chatId !== old._id) return target.getChat(chatId);
          served = true;
          return Promise.resolve(old);
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A store whose `method` first lets `competitor` run to its end, then does its own write:
 * a concurrent change committed between the use case's read of the chat and its write,
 * at exactly that point rather than whenever a timer lets it. Once only.
 */
export function overtakenBefore(
  store: Store,
  method: 'releaseChat' | 'closeChat' | 'takeChat' | 'transferChat',
  competitor: () => Promise<unknown>,
): Store {
  let ran = false;
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        if (!ran) {
          ran = true;
          await competitor();
        }
        return Reflect.apply(value, target, args);
      };
    },
  });
}

/**
 * The use cases' dependencies around `store`, without limits, presence of this process
 * only, and no admin connected.
 */
export function depsWith(store: Store): Deps & WithAttachments {
  return {
    store,
    limits: createLimits({ enabled: false, messagesPerSecond: 0, messagesBurst: 0 }),
    presence: new LocalPresence(),
    attachments: {
      blobs: databaseBlobStore(store.attachments),
      scanner: undefined,
      links: linkSigner(Buffer.alloc(32, 7), 3600),
      maxBytes: 10 * 1024 * 1024,
      maxPixels: 50_000_000,
      quotaBytes: 100 * 1024 * 1024,
      pace: DEFAULT_PACE,
      uploadBudget: UNLIMITED,
      publicUrl: undefined,
      downloadIdleMs: 60_000,
      recentDownloads: recentDownloads(60_000, 100),
    },
    admins: knownAdmins(store, async () => new Set()),
    agentPresence: new LocalPresence(),
    defaultMaxChats: 5,
    ratingWindowSeconds: TUNABLES.ratingWindowSeconds.value,
  };
}
