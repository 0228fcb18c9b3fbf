import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replySerializerCompiler } from '../../src/http/reply-serializer.js';

const schema = z.object({ success: z.literal(true), n: z.number() });
const route = { schema, method: 'GET', url: '/x', httpStatus: '200' };

describe('reply serialization', () => {
  it('production: JSON.stringify as is, whatever the schema says', () => {
    const serialize = replySerializerCompiler(false)(route);
    expect(serialize({ success: true, n: 1, extra: 2 })).toBe('{"success":true,"n":1,"extra":2}');
  });

  it('checked (test servers): the same bytes, but a reply off its schema throws', () => {
    const serialize = replySerializerCompiler(true)(route);
    expect(serialize({ success: true, n: 1 })).toBe('{"success":true,"n":1}');
    expect(() => serialize({ success: true, n: 'one' })).toThrow(/does not match/);
    expect(() => serialize({ success: true, n: 1, extra: 2 })).toThrow(/lacks/);
  });
});
