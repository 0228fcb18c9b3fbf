import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Chat, EXAMPLE_CHAT } from '../../src/schemas/shapes.js';
import { ChatCache } from '../../src/store/chat-cache.js';

const chat = (id: string, status: Chat['status'] = 'waiting'): Chat => ({
  ...EXAMPLE_CHAT,
  _id: id,
  status,
});

describe('chat cache', () => {
  afterEach(() => vi.useRealTimers());

  it('answers with the row a write recorded, until it expires', () => {
    vi.useFakeTimers();
    const cache = new ChatCache(1000);
    cache.record('c1', chat('c1', 'active'));
    expect(cache.get('c1')?.status).toBe('active');
    vi.advanceTimersByTime(1001);
    expect(cache.get('c1')).toBeUndefined();
  });

  it('forgets a row when a conditional write found it changed', () => {
    const cache = new ChatCache(1000);
    cache.record('c1', chat('c1'));
    cache.record('c1', undefined);
    expect(cache.get('c1')).toBeUndefined();
  });

  it('with a TTL of 0 never answers', () => {
    const cache = new ChatCache(0);
    cache.record('c1', chat('c1'));
    expect(cache.get('c1')).toBeUndefined();
  });

  it('stays bounded, dropping the oldest entry', () => {
    const cache = new ChatCache(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) cache.record(id, chat(id));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')?._id).toBe('d');
  });
});
