/** REDACT=off: texts are kept as sent (a deployment whose texts never hold card data). */
import { afterAll, describe, expect, it } from 'vitest';
import { setRedaction } from '../../src/redaction/client-text.js';
import { openChat, restSend } from '../helpers/flows.js';
import { succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const [sqlite] = await storeTargets();

describe('REDACT=off', () => {
  if (!sqlite) throw new Error('the embedded store is always a target');
  const world = useWorld(sqlite, { REDACT: 'off' });
  // The switch is process-wide: the next file's servers must find it on.
  afterAll(() => setRedaction(true));

  it('stores and returns a card number as it was sent, without redacted', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const message = succeeded(
      await restSend(world, user, 'user', { chatId: chat._id, content: 'card 4111111111111111' }),
    ).message;
    expect(message.content).toBe('card 4111111111111111');
    expect(message).not.toHaveProperty('redacted');
  });
});
