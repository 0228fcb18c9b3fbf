import { EJSON, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { isoDate, isoOfMillis } from '../../src/import/ejson.js';
import { FieldProblem } from '../../src/import/field-problem.js';
import { mapChat, mapMessage } from '../../src/import/map-v2.js';
import { mapRecord } from '../../src/import/parse-document.js';
import { LIMITS } from '../../src/schemas/shapes.js';
import { isPlainName } from '../../src/schemas/text-rules.js';

const ID = '65a4f1c2e4b0a1b2c3d4e5f6';
const CHAT = '65a4f1c2e4b0a1b2c3d4e5f7';
const AT = '2024-01-15T12:00:00.000Z';

const record = (text: string, line = 1, document = 1) =>
  ({ kind: 'document', line, document, offset: 0, text }) as const;

const message = (text: string) => {
  const at = record(text, 7, 3);
  return mapRecord(at, (doc, id, changes) => mapMessage(doc, id, at, changes));
};

describe('Extended JSON dates', () => {
  it('keeps a leap day', () => {
    expect(isoDate({ $date: '2024-02-29T23:59:59.999Z' }, 'at')).toBe('2024-02-29T23:59:59.999Z');
  });

  it.each([
    [{ $date: AT }],
    [{ $date: '2024-01-15T12:00:00Z' }],
    [{ $date: '2024-01-15T14:00:00+02:00' }],
    [{ $date: { $numberLong: '1705320000000' } }],
    [{ $date: 1705320000000 }],
    [AT],
  ])('%j → %s', (value) => {
    expect(isoDate(value, 'createdAt')).toBe(AT);
  });

  it('writes every instant of years 0000–9999 as toISOString does', () => {
    const edges = [
      0, -1, 1, -62_167_219_200_000, 253_402_300_799_999, 951_782_400_000, 4_107_542_399_999,
    ];
    const spread = Array.from({ length: 20_000 }, (_, i) =>
      Math.round(-62_167_219_200_000 + i * 15_778_476_012.345),
    );
    for (const ms of [...edges, ...spread])
      expect(isoOfMillis(ms)).toBe(new Date(ms).toISOString());
  });

  it.each([
    [{ $date: { $numberLong: '-62167219200000' } }, '0000-01-01T00:00:00.000Z'],
    [{ $date: { $numberLong: '253402300799999' } }, '9999-12-31T23:59:59.999Z'],
    [{ $date: '2024-02-29T23:59:59Z' }, '2024-02-29T23:59:59.000Z'],
  ])('%j → %s', (value, iso) => {
    expect(isoDate(value, 'createdAt')).toBe(iso);
  });

  it.each([
    [{ $date: 'yesterday' }],
    [{ $date: { $numberLong: '253402300800000' } }],
    [{ $date: { $numberLong: '-62167219200001' } }],
    [{ $date: '2024-02-30T00:00:00.000Z' }],
    [{ $date: '2023-02-29T00:00:00Z' }],
    [{ $date: '2024-01-15T24:00:00.000Z' }],
    [{ $date: '2024-01-15T12:60:00+01:00' }],
    [{ $date: { $numberLong: '1e3' } }],
    [{ $date: { $numberLong: '999999999999999' } }],
    ['2024-01-15'],
    [true],
  ])('%j is refused, naming the field', (value) => {
    expect(() => isoDate(value, 'createdAt')).toThrow(FieldProblem);
    expect(() => isoDate(value, 'createdAt')).toThrow(/^createdAt: /);
  });
});

describe('a message document', () => {
  const doc = {
    _id: new ObjectId(ID),
    chatId: new ObjectId(CHAT),
    senderId: 'user-1',
    senderType: 'user',
    senderName: 'Ann',
    content: 'hello',
    messageType: 'text',
    fileUrl: '',
    isRead: true,
    readAt: new Date(AT),
    createdAt: new Date(AT),
    updatedAt: new Date(AT),
    __v: 0,
  };
  const row = {
    id: ID,
    chatId: CHAT,
    senderId: 'user-1',
    senderType: 'user',
    senderName: 'Ann',
    content: 'hello',
    messageType: 'text',
    fileUrl: null,
    isRead: 1,
    readAt: AT,
    createdAt: AT,
    updatedAt: AT,
    redacted: null,
    line: 7,
    document: 3,
  };

  it.each([true, false])('as bson writes it (relaxed: %s) maps to our row', (relaxed) => {
    expect(message(EJSON.stringify(doc, { relaxed }))).toEqual({ ok: true, row, changes: [] });
  });

  it('takes v2 defaults for missing optional fields, and the ObjectId time for a missing createdAt', () => {
    const mapped = message(
      JSON.stringify({ _id: { $oid: ID }, chatId: CHAT, senderId: 'a', senderType: 'admin' }),
    );
    expect(mapped).toMatchObject({
      ok: true,
      row: expect.objectContaining({
        senderName: '',
        content: '',
        messageType: 'text',
        isRead: 0,
        createdAt: new Date(Number.parseInt(ID.slice(0, 8), 16) * 1000).toISOString(),
      }),
    });
  });

  it.each([
    ['{"_id": ', 'invalid-json'],
    ['[1]', 'not-an-object'],
    ['{"chatId":"c"}', 'missing-field'],
    ['{"_id":{"$oid":"xyz"}}', 'invalid-id'],
    [`{"_id":"${'x'.repeat(101)}"}`, 'id-too-long'],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"bot"}',
      'invalid-sender-type',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","messageType":"video"}',
      'invalid-message-type',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","content":"a\\u0000b"}',
      'invalid-text',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","content":"a\\ud800b"}',
      'invalid-text',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","fileUrl":"javascript:alert(1)"}',
      'invalid-file-url',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","createdAt":{"$date":"soon"}}',
      'invalid-date',
    ],
    [
      '{"_id":"m","createdAt":"2024-01-15T12:00:00Z","chatId":"c","senderId":"s","senderType":"user","isRead":"yes"}',
      'invalid-type',
    ],
  ])('%s is rejected as %s, with its line', (text, reason) => {
    const mapped = message(text);
    expect(mapped.ok).toBe(false);
    if (!mapped.ok) expect(mapped.rejection).toMatchObject({ line: 7, document: 3, reason });
  });

  it('keeps the id on a reject once it was read', () => {
    const mapped = message('{"_id":"m1","chatId":"c","senderId":"s","senderType":"robot"}');
    expect(!mapped.ok && mapped.rejection.id).toBe('m1');
  });
});

describe('a chat document', () => {
  it('imports the user offline, with derived fields as before a first message', () => {
    const mapped = mapRecord(
      record(
        EJSON.stringify(
          {
            _id: new ObjectId(CHAT),
            userId: 'u1',
            userName: 'Ann',
            status: 'active',
            assignedAdminId: 'a1',
            isLocked: true,
            lockedByAdminId: 'a1',
            userOnline: true,
            unreadCount: 5,
            lastMessage: 'old',
            createdAt: new Date(AT),
          },
          { relaxed: false },
        ),
      ),
      mapChat,
    );
    expect(mapped).toMatchObject({
      ok: true,
      row: expect.objectContaining({
        id: CHAT,
        status: 'active',
        isLocked: 1,
        userOnline: 0,
        unreadCount: 0,
        lastMessage: '',
        lastMessageAt: AT,
        lastSeq: 0,
        updatedAt: AT,
      }),
    });
  });

  const assignment = (fields: object) => {
    const mapped = mapRecord(
      record(JSON.stringify({ _id: 'c', createdAt: AT, userId: 'u', ...fields }), 4, 2),
      mapChat,
    );
    if (!mapped.ok) throw new Error('rejected');
    const { status, assignedAdminId, isLocked, lockedByAdminId } = mapped.row;
    return {
      row: { status, assignedAdminId, isLocked, lockedByAdminId },
      changes: mapped.changes.map((c) => c.reason),
    };
  };

  it.each([
    [
      'active, assigned to nobody: waits in the queue',
      { status: 'active' },
      { status: 'waiting', assignedAdminId: null, isLocked: 0, lockedByAdminId: null },
    ],
    [
      'locked by nobody: unlocked',
      { status: 'active', assignedAdminId: 'a1', isLocked: true },
      { status: 'active', assignedAdminId: 'a1', isLocked: 0, lockedByAdminId: null },
    ],
    [
      'active, locked by nobody, assigned to nobody: waits, unlocked',
      { status: 'active', isLocked: true },
      { status: 'waiting', assignedAdminId: null, isLocked: 0, lockedByAdminId: null },
    ],
    [
      'waiting with an assignee: waits in the queue, for everyone',
      { status: 'waiting', assignedAdminId: 'a1', assignedAdminName: 'A' },
      { status: 'waiting', assignedAdminId: null, isLocked: 0, lockedByAdminId: null },
    ],
    [
      "active, locked by another admin than its assignee: the assignee's lock",
      { status: 'active', assignedAdminId: 'a1', isLocked: true, lockedByAdminId: 'a2' },
      { status: 'active', assignedAdminId: 'a1', isLocked: 1, lockedByAdminId: 'a1' },
    ],
  ])(
    'an open chat no one could take or see in the queue is imported as the server would hold it: %s',
    (_, fields, row) => {
      expect(assignment(fields)).toEqual({ row, changes: ['inconsistent-assignment'] });
    },
  );

  it.each([
    [{ status: 'waiting' }],
    [{ status: 'waiting', isLocked: true, lockedByAdminId: 'a1' }],
    [{ status: 'active', assignedAdminId: 'a1' }],
    [{ status: 'active', assignedAdminId: 'a1', isLocked: true, lockedByAdminId: 'a1' }],
    [{ status: 'closed', isLocked: true }],
    [{ status: 'closed', assignedAdminId: 'a1' }],
  ])('keeps an assignment the server itself makes, or a closed chat: %j', (fields) => {
    expect(assignment(fields).changes).toEqual([]);
  });

  it('refuses an unknown status', () => {
    const mapped = mapRecord(
      record('{"_id":"c","createdAt":"2024-01-15T12:00:00Z","userId":"u","status":"open"}'),
      mapChat,
    );
    expect(!mapped.ok && mapped.rejection.reason).toBe('invalid-status');
  });
});

describe("an erased user's pseudonym as a person's id", () => {
  const SEALED = `erased:${'0a'.repeat(16)}`;

  it.each(['userId', 'assignedAdminId', 'lockedByAdminId'])(
    "a chat's %s of that form is refused, as live input refuses it (a user so named could never be erased)",
    (field) => {
      const mapped = mapRecord(
        record(
          JSON.stringify({
            _id: 'c1',
            userId: 'u1',
            status: 'active',
            assignedAdminId: 'a1',
            isLocked: true,
            lockedByAdminId: 'a1',
            createdAt: AT,
            [field]: SEALED,
          }),
        ),
        mapChat,
      );
      expect(!mapped.ok && mapped.rejection).toMatchObject({
        reason: 'invalid-id',
        detail: `${field}: is an erased user's pseudonym, an id no one may have`,
      });
    },
  );

  it("a message's senderId of that form is refused", () => {
    const mapped = message(
      JSON.stringify({
        _id: 'm1',
        chatId: 'c',
        senderId: SEALED,
        senderType: 'user',
        createdAt: AT,
      }),
    );
    expect(!mapped.ok && mapped.rejection.reason).toBe('invalid-id');
  });
});

describe('ids with spaces at their ends', () => {
  it('are trimmed as live input trims every id (a client could not name them), each reported', () => {
    const chat = mapRecord(
      record(
        JSON.stringify({
          _id: ' c1 ',
          userId: 'u1\t',
          status: 'active',
          assignedAdminId: ' a1',
          createdAt: AT,
        }),
        4,
        2,
      ),
      mapChat,
    );
    expect(chat).toMatchObject({
      ok: true,
      row: { id: 'c1', userId: 'u1', assignedAdminId: 'a1' },
      changes: [
        {
          id: 'c1',
          reason: 'id-trimmed',
          detail: '_id: spaces at its ends removed, as live input removes them',
        },
        {
          id: 'c1',
          reason: 'id-trimmed',
          detail: 'userId: spaces at its ends removed, as live input removes them',
        },
        {
          id: 'c1',
          reason: 'id-trimmed',
          detail: 'assignedAdminId: spaces at its ends removed, as live input removes them',
        },
      ],
    });
    const mapped = message(
      JSON.stringify({
        _id: 'm1',
        chatId: ' c1 ',
        senderId: 's ',
        senderType: 'user',
        createdAt: AT,
      }),
    );
    expect(mapped).toMatchObject({ ok: true, row: { chatId: 'c1', senderId: 's' } });
    expect(mapped.ok && mapped.changes.map((c) => c.reason)).toEqual(['id-trimmed', 'id-trimmed']);
  });
});

describe('dates after the import ran', () => {
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const chat = (extra: object) =>
    mapRecord(
      record(JSON.stringify({ _id: 'c1', userId: 'u1', createdAt: AT, ...extra }), 4, 2),
      mapChat,
    );

  it.each([
    ['createdAt', { createdAt: { $date: '9999-12-31T23:59:59.999Z' } }],
    ['updatedAt', { status: 'closed', updatedAt: { $date: iso(Date.now() + 48 * HOUR) } }],
  ])(
    "a chat's %s far in the future is refused (a closed chat so dated would outlive RETENTION_DAYS)",
    (field, extra) => {
      const mapped = chat(extra);
      expect(!mapped.ok && mapped.rejection).toMatchObject({
        reason: 'invalid-date',
        detail: expect.stringMatching(new RegExp(`^${field}: is in the future`)),
      });
    },
  );

  it('a chat without createdAt whose ObjectId names a time far in the future is refused', () => {
    const mapped = mapRecord(
      record(JSON.stringify({ _id: { $oid: 'f0a4f1c2e4b0a1b2c3d4e5f7' }, userId: 'u1' })),
      mapChat,
    );
    expect(!mapped.ok && mapped.rejection.reason).toBe('invalid-date');
  });

  it("a message's createdAt or readAt far in the future is refused", () => {
    const future = { $date: iso(Date.now() + 48 * HOUR) };
    for (const field of ['createdAt', 'readAt']) {
      const mapped = message(
        JSON.stringify({
          _id: 'm1',
          chatId: 'c',
          senderId: 's',
          senderType: 'user',
          createdAt: AT,
          [field]: future,
        }),
      );
      expect(!mapped.ok && mapped.rejection.reason).toBe('invalid-date');
    }
  });

  it("a date within a clock's drift of now is taken as written", () => {
    const soon = iso(Date.now() + HOUR);
    const mapped = chat({ createdAt: { $date: soon } });
    expect(mapped.ok && mapped.row.createdAt).toBe(soon);
  });
});

describe('names and ids are held to the limits of live input', () => {
  const chatDoc = (extra: object) =>
    JSON.stringify({ _id: 'c1', userId: 'u1', createdAt: AT, ...extra });
  const messageDoc = (extra: object) =>
    JSON.stringify({
      _id: 'm1',
      chatId: 'c1',
      senderId: 's',
      senderType: 'user',
      createdAt: AT,
      ...extra,
    });
  const chat = (text: string) => mapRecord(record(text, 4, 2), mapChat);
  const long = 'é'.repeat(100_000);

  it.each(['userName', 'assignedAdminName', 'lockedByAdminName'])(
    'a chat %s over the limit is cut to it and reported as changed',
    (field) => {
      const mapped = chat(chatDoc({ [field]: long }));
      expect(mapped).toMatchObject({
        ok: true,
        row: { [field]: 'é'.repeat(LIMITS.nameChars) },
        changes: [
          {
            line: 4,
            document: 2,
            id: 'c1',
            reason: 'name-too-long',
            detail: `${field}: cut from 100,000 to ${LIMITS.nameChars} characters`,
          },
        ],
      });
    },
  );

  it('a message senderName over the limit is cut to it and reported as changed', () => {
    expect(message(messageDoc({ senderName: long }))).toMatchObject({
      ok: true,
      row: { senderName: 'é'.repeat(LIMITS.nameChars) },
      changes: [{ line: 7, document: 3, id: 'm1', reason: 'name-too-long' }],
    });
  });

  it('a message content over the live limit is cut to it (never inside a pair) and reported', () => {
    const content = `${'a'.repeat(LIMITS.contentChars - 1)}😀${'b'.repeat(1_000_000)}`;
    expect(message(messageDoc({ content }))).toMatchObject({
      ok: true,
      row: { content: 'a'.repeat(LIMITS.contentChars - 1) },
      changes: [{ line: 7, document: 3, id: 'm1', reason: 'content-too-long' }],
    });
    const atTheLimit = 'c'.repeat(LIMITS.contentChars);
    expect(message(messageDoc({ content: atTheLimit }))).toMatchObject({
      ok: true,
      row: { content: atTheLimit },
      changes: [],
    });
  });

  it('a card number in content or a name is masked as live input is, and reported', () => {
    expect(
      message(
        messageDoc({
          content: 'card 4111 1111 1111 1111, order 88812734',
          senderName: 'A 5555555555554444',
        }),
      ),
    ).toMatchObject({
      ok: true,
      row: {
        content: 'card 4111 11** **** 1111, order 88812734',
        senderName: 'A 555555******4444',
        redacted: 'pan',
      },
      changes: [
        { reason: 'card-number-masked', detail: 'content: a card number masked' },
        { reason: 'card-number-masked', detail: 'senderName: a card number masked' },
      ],
    });
  });

  it("a card number in a message's fileUrl is masked as live input is, and reported", () => {
    expect(
      message(
        messageDoc({
          content: 'receipt',
          messageType: 'image',
          fileUrl: 'https://files.example.com/r.png?card=4111111111111111',
        }),
      ),
    ).toMatchObject({
      ok: true,
      row: { fileUrl: 'https://files.example.com/r.png?card=411111******1111', redacted: 'pan' },
      changes: [{ reason: 'card-number-masked', detail: 'fileUrl: a card number masked' }],
    });
  });

  it('a card number across the cut of a long content or name is masked, not its start kept', () => {
    // Cut first, each kept the card's first 14 digits: a run that fails the Luhn check on
    // its own, so it stayed as written.
    const card = '4111111111111111';
    const mapped = message(
      messageDoc({
        content: `${'a'.repeat(LIMITS.contentChars - 14)}${card} and more`,
        senderName: `${'n'.repeat(LIMITS.nameChars - 14)}${card}`,
      }),
    );
    expect(mapped).toMatchObject({
      ok: true,
      row: {
        content: `${'a'.repeat(LIMITS.contentChars - 14)}411111******11`,
        senderName: `${'n'.repeat(LIMITS.nameChars - 14)}411111******11`,
        redacted: 'pan',
      },
    });
    expect(mapped.ok && mapped.changes.map((c) => c.reason).sort()).toEqual([
      'card-number-masked',
      'card-number-masked',
      'content-too-long',
      'name-too-long',
    ]);
  });

  it('a name is never cut inside a surrogate pair; a name at the limit is kept as it is', () => {
    const pairAcrossTheLimit = `${'a'.repeat(LIMITS.nameChars - 1)}😀`;
    const cut = message(messageDoc({ senderName: pairAcrossTheLimit }));
    expect(cut.ok && cut.row.senderName).toBe('a'.repeat(LIMITS.nameChars - 1));
    const atLimit = `${'a'.repeat(LIMITS.nameChars - 2)}😀`;
    expect(message(messageDoc({ senderName: atLimit }))).toMatchObject({
      ok: true,
      row: { senderName: atLimit },
      changes: [],
    });
  });

  it.each(['\u202e', '\u2066', '\u202a'])(
    'a name with the bidirectional control %j loses it, reported as changed; marks stay',
    (control) => {
      const mapped = chat(chatDoc({ userName: `invoice_${control}fdp.exe\u200f` }));
      expect(mapped).toMatchObject({
        ok: true,
        row: { userName: 'invoice_fdp.exe\u200f' },
        changes: [
          {
            line: 4,
            id: 'c1',
            reason: 'name-bidi-controls',
            detail: 'userName: bidirectional embedding, override and isolate controls removed',
          },
        ],
      });
      expect(isPlainName(mapped.ok ? (mapped.row.userName ?? '') : '')).toBe(true);
    },
  );

  it('a sender name loses its controls too; content keeps them as written', () => {
    const mapped = message(messageDoc({ senderName: 'A\u202eB', content: 'x\u202ey' }));
    expect(mapped).toMatchObject({
      ok: true,
      row: { senderName: 'AB', content: 'x\u202ey' },
      changes: [{ reason: 'name-bidi-controls' }],
    });
  });

  it.each([
    ['\u0000', 'a NUL character'],
    ['\ud800', 'a lone surrogate'],
  ])('a name with %j is rejected, as live input is', (bad, problem) => {
    const mapped = chat(chatDoc({ userName: `a${bad}${long}` }));
    expect(!mapped.ok && mapped.rejection).toMatchObject({
      reason: 'invalid-text',
      detail: `userName: contains ${problem}`,
    });
  });

  const tooLongId = 'i'.repeat(LIMITS.idChars + 1);
  it.each(['_id', 'userId', 'assignedAdminId', 'lockedByAdminId'])(
    'a chat %s over the limit is rejected (an id cannot be cut: others refer to it)',
    (field) => {
      const mapped = chat(chatDoc({ [field]: tooLongId }));
      expect(!mapped.ok && mapped.rejection).toMatchObject({
        line: 4,
        reason: 'id-too-long',
        detail: `${field}: is longer than ${LIMITS.idChars} characters`,
      });
    },
  );

  it.each(['_id', 'chatId', 'senderId'])('a message %s over the limit is rejected', (field) => {
    const mapped = message(messageDoc({ [field]: tooLongId }));
    expect(!mapped.ok && mapped.rejection).toMatchObject({ line: 7, reason: 'id-too-long' });
    const atLimit = message(messageDoc({ [field]: 'i'.repeat(LIMITS.idChars) }));
    expect(atLimit.ok || atLimit.rejection.reason).not.toBe('id-too-long');
  });

  it('a document over the size limit is rejected with its place, without being read', () => {
    const mapped = mapRecord(
      { kind: 'too-large', line: 9, document: 5, offset: 1234, size: 300_000_000 },
      mapChat,
    );
    expect(!mapped.ok && mapped.rejection).toEqual({
      line: 9,
      document: 5,
      id: null,
      reason: 'document-too-large',
      detail:
        'the document at byte offset 1234 is 300,000,000 bytes, over the 1,048,576 bytes a document may have; it was not read',
    });
  });
});
