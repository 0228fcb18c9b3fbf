/**
 * The docs' limits from the tunables catalogue (src/tunables.ts): docs/tunables.md whole,
 * and, between marker comments, the limits tables of docs/protocol.md and docs/security.md
 * and the overrides of .env.example (the prose around them stays hand-written).
 * `npm run docs:tunables` writes them; test/docs/tunables-doc.test.ts fails when a
 * committed file differs from what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Area,
  OVERRIDABLE,
  overrideOf,
  TUNABLE_NAMES,
  TUNABLES,
  type TunableName,
} from '../src/tunables.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export const TUNABLES_DOC_PATH = path('../docs/tunables.md');
export const PROTOCOL_DOC_PATH = path('../docs/protocol.md');
export const SECURITY_DOC_PATH = path('../docs/security.md');
export const ENV_EXAMPLE_PATH = path('../.env.example');

// ---- Values as people read them ------------------------------------------------------

const count = (n: number): string => n.toLocaleString('en-US');

function duration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${count(ms / 3_600_000)} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${count(ms / 60_000)} min`;
  if (ms >= 1000 && ms % 1000 === 0) return `${count(ms / 1000)} s`;
  return `${count(ms)} ms`;
}

function size(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB && bytes % MiB === 0) return `${count(bytes / MiB)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${count(bytes / 1024)} KiB`;
  return `${count(bytes)} bytes`;
}

/** A number with its unit, as the docs write it (64 KiB, 15 s, 10/s, 10,000 characters). */
export function formatValue(value: number, unit: (typeof TUNABLES)[TunableName]['unit']): string {
  switch (unit) {
    case 'bytes':
      return size(value);
    case 'ms':
      return duration(value);
    case 'seconds':
      return duration(value * 1000);
    case 'per second':
      return `${count(value)}/s`;
    case 'bytes per second':
      return `${size(value)}/s`;
    case 'at once':
      return `${count(value)} at once`;
    case 'count':
      return count(value);
    default:
      return `${count(value)} ${unit}`;
  }
}

/** A tunable's default as the docs write it. */
const v = (name: TunableName): string => formatValue(TUNABLES[name].value, TUNABLES[name].unit);
const n = (name: TunableName): string => count(TUNABLES[name].value);
/** A table cell: a pipe would end the cell early. */
const cell = (text: string): string => text.replaceAll('|', '\\|');
const code = (text: string): string => `\`${text}\``;

// ---- docs/tunables.md ----------------------------------------------------------------

const AREA_TITLES: Record<Area, string> = {
  contract: 'The wire contract (what clients may rely on)',
  rates: 'Rates (fixed windows, `src/limits/rate-limiter.ts`)',
  connections: 'What one connection or the server holds',
  cluster: 'Several nodes (Redis)',
  store: 'The store',
  tokens: 'Tokens',
  process: 'The process',
  import: 'The v2 import (`npm run import:v2`)',
  attachments: 'Attachments (`src/attachments`)',
  routing: 'Routing: agents and their capacity (`src/agents/`)',
  csat: "CSAT and the customer's context (`src/chats/`)",
  reports: 'Reports (`src/reports/`, `src/store/reports.ts`)',
  tools: 'Agent tools: canned replies and labels (`src/canned-replies/`, `src/labels/`)',
  webhooks: 'Webhooks (`src/webhooks/`)',
  privacy: 'Retention, export and erasure (`src/privacy/`)',
};

function defaultOf(name: TunableName): string {
  const entry = TUNABLES[name];
  if (!('override' in entry)) return v(name);
  const inProduction = 'production' in entry.override ? entry.override.production : undefined;
  if (inProduction === undefined) return v(name);
  return `${formatValue(inProduction, entry.unit)} in production, else ${v(name)}`;
}

export function renderTunablesDoc(): string {
  const sections = Object.entries(AREA_TITLES).flatMap(([area, title]) => {
    const rows = TUNABLE_NAMES.filter((name) => TUNABLES[name].area === area).map((name) => {
      const entry = TUNABLES[name];
      const env = 'override' in entry ? code(entry.override.env) : '';
      return `| ${code(name)} | ${cell(defaultOf(name))} | ${env} | ${cell(entry.reason)} |`;
    });
    return [
      `## ${title}`,
      '',
      '| tunable | value | environment | why this value |',
      '|---|---|---|---|',
      ...rows,
      '',
    ];
  });
  return [
    '<!-- Generated from src/tunables.ts by `npm run docs:tunables`; do not edit by hand. -->',
    '',
    '# Limits and tunables',
    '',
    'Every limit, buffer size, timeout and TTL of the server, with the reason for its value',
    '(and what was measured, where something was). The code reads each one from',
    '`src/tunables.ts`; those with an environment variable can be set at start (see',
    "[.env.example](../.env.example) and the README's Configuration); a bad value stops the",
    "server with one line naming the variable. The wire contract's bounds are what clients",
    'may rely on (see [protocol.md](protocol.md#limits)).',
    '',
    ...sections,
  ].join('\n');
}

// ---- Tables between markers ------------------------------------------------------------

interface RateRow {
  what: string;
  per: string;
  perSecond: TunableName;
  burst: TunableName;
  /** The burst when the caller has no token (counted per address), where it differs. */
  burstWithoutTokens?: TunableName;
  /** After the budget: what a refusal looks like, where it differs. */
  refusal?: string;
}

const rate = (row: RateRow): string => {
  const envs = [row.perSecond, row.burst].flatMap((name) => {
    const entry = TUNABLES[name];
    return 'override' in entry ? [code(entry.override.env)] : [];
  });
  const withoutTokens = row.burstWithoutTokens
    ? ` (${n(row.burstWithoutTokens)} without tokens, \`${row.burstWithoutTokens}\`)`
    : '';
  const budget = `${n(row.perSecond)}/s, bursts of ${n(row.burst)}${withoutTokens}`;
  const overridden = envs.length > 0 ? ` (${envs.join(', ')})` : '';
  const refusal = row.refusal ? `; ${row.refusal}` : '';
  return `| ${row.what} | ${row.per} | ${budget}${overridden}${refusal} |`;
};

const MESSAGES: RateRow = {
  what: 'message sends, REST and socket together',
  per: 'token `sub` (with `none`: the sender id)',
  perSecond: 'messagesPerSecond',
  burst: 'messagesBurst',
};
const TYPING: RateRow = {
  what: 'typing indicators',
  per: 'identity',
  perSecond: 'typingPerSecond',
  burst: 'typingBurst',
};
const REQUESTS: RateRow = {
  what: 'REST requests in general (not `/health`, `/ready`, `/metrics`)',
  per: 'token `sub`, else client IP',
  perSecond: 'requestsPerSecond',
  burst: 'requestsBurst',
};
const EVENTS: RateRow = {
  what: 'socket events of every kind (joins, reads, pings … included)',
  per: "identity, else the socket's address",
  perSecond: 'eventsPerSecond',
  burst: 'eventsBurst',
};
const READS: RateRow = {
  what: `read points: a read costs one per ${v('readPointChars')} of its JSON reply, at least one (see [Reads cost what they answer](protocol.md#reads-cost-what-they-answer)). Reads are history pages and cursors (\`GET /messages/:chatId\`), the four chat lists, which answer at most ${v('chatListMax')}, the admin list (\`GET /admins\`, at most ${v('knownAdminsListMax')}), a chat's queue position, and the desk's search, reports, audit log, agents, canned replies, webhook deliveries, transcripts and exports (also counted as requests)`,
  per: 'token `sub`, else client IP',
  perSecond: 'readsPerSecond',
  burst: 'readsBurst',
  burstWithoutTokens: 'readsBurstWithoutTokens',
};
const CONNECTIONS: RateRow = {
  what: 'new socket connections: each Engine.io handshake, before a session is kept (its first Socket.io CONNECT is included; another CONNECT on the same session pays again)',
  per: 'client IP',
  perSecond: 'connectionsPerSecond',
  burst: 'connectionsBurst',
  refusal:
    'refused with `403` (polling) or `400` (WebSocket upgrade) and the message `Too many connections`',
};
const UPLOADS: RateRow = {
  what: 'attachment uploads (`POST /api/attachments`, also counted as requests)',
  per: 'identity',
  perSecond: 'uploadsPerSecond',
  burst: 'uploadsBurst',
};
const RATES = [MESSAGES, TYPING, REQUESTS, READS, CONNECTIONS, EVENTS, UPLOADS];

function protocolLimits(): string[] {
  const rows: [string, string][] = [
    [
      'REST body, socket frame',
      `${v('bodyBytes')} (\`413 PAYLOAD_TOO_LARGE\`; an oversized socket frame is dropped by the transport, which closes the connection)`,
    ],
    ['message `content`', `${v('contentChars')}; not blank unless \`fileUrl\` is given`],
    [
      "ids a client gives (`userId`, `adminId`, `chatId`, `clientMessageId`, a token's `sub`)",
      `1–${v('idChars')}`,
    ],
    ['names', v('nameChars')],
    ['`fileUrl`', `an \`http:\` or \`https:\` URL, ${v('urlChars')}`],
    ['history `limit`', `1–${n('historyMaxLimit')}, default ${n('historyDefaultLimit')}`],
    [
      'a history reply (page or cursor)',
      `its messages' JSON within ${v('historyPageMaxBytes')}: fewer than \`limit\` messages when they are longer (see [History replies bounded in bytes](#history-replies-bounded-in-bytes))`,
    ],
    [
      'query integers (`page`, `limit`, `after`, `before`)',
      `whole numbers up to ${n('queryIntegerMax')}`,
    ],
    ["a chat's `lastMessage`", `its message's first ${v('lastMessagePreviewChars')}`],
  ];
  return [
    '| what | limit |',
    '|---|---|',
    ...rows.map(([what, limit]) => `| ${what} | ${limit} |`),
    '',
    'Rates (per identity, shared by all nodes through Redis when the server runs several; `RATE_LIMIT=off` disables them all). Each is counted in fixed windows of its burst over the time the rate takes to earn it (10/s, bursts of 30: at most 30 per 3 s), so the long-run rate is exact and a burst may be spent at once; then the caller waits for its window to end (`retryAfterMs`). A window is whole seconds: a burst that is not a whole number of seconds of its rate is rounded to one (30/s, bursts of 100: 90 per 3 s).',
    '',
    '| what | counted per | default |',
    '|---|---|---|',
    ...RATES.map(rate),
  ];
}

function securityLimits(): string[] {
  const headers = TUNABLES.headersTimeoutMs.value;
  const request = TUNABLES.requestTimeoutMs.value;
  const check = TUNABLES.connectionsCheckIntervalMs.value;
  const bounds: [string, string, string][] = [
    [
      "what waits to be sent to one connection that does not read: engine.io's write buffer plus, on a WebSocket, the TCP socket's; on long-polling, the write buffer while no poll is pending",
      'connection',
      `${v('slowReaderMaxBytes')} or ${n('slowReaderMaxPackets')} queued packets; over it the connection is closed (a recoverable close: a client that was merely slow reconnects and gets what it missed) and a line is logged at warn`,
    ],
    [
      "receiving a request's headers / the whole request (a trickled request, or a connection that sends nothing, would hold a connection otherwise); a long-poll GET held open by the server, an idle keep-alive connection and a WebSocket are not subject to them",
      'connection',
      `${duration(headers)} / ${duration(request)}, checked every ${duration(check)}: cut with \`408\` after at most ${duration(headers + check)} / ${duration(request + check)}`,
    ],
    [
      `connection-state recovery buffer (recent broadcasts replayed to a client that reconnects within ${v('recoveryWindowMs')})`,
      'server',
      `the newest ${n('recoveryMaxPackets')} packets and at most ${v('recoveryMaxBytes')} of them (each counted as its JSON's bytes, plus 200 for its entry); older ones drop out first`,
    ],
  ];
  return [
    '| what | key | default |',
    '|---|---|---|',
    ...RATES.map(rate),
    ...bounds.map(([what, per, limit]) => `| ${what} | ${per} | ${limit} |`),
  ];
}

/** .env.example's lines for every overridable tunable: its reason, then its default. */
function envOverrides(): string[] {
  return OVERRIDABLE.flatMap((name) => {
    const { env, accepts, production } = overrideOf(name);
    const { value, unit, reason } = TUNABLES[name];
    const range =
      accepts.kind === 'positive'
        ? `Any number above 0 (${unit}).`
        : `Whole ${unit}, ${accepts.min}-${accepts.max}.`;
    const defaults =
      production === undefined ? '' : ` Default: ${production} in production, ${value} otherwise.`;
    return [...wrap(`${reason} ${range}${defaults}`), `# ${env}=${value}`];
  });
}

/** Comment lines of at most 90 characters. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > 90 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

// ---- Putting blocks in place -----------------------------------------------------------

interface Block {
  name: string;
  lines: () => string[];
  /** How the file writes a comment line. */
  comment: (text: string) => string;
}

const html = (text: string): string => `<!-- ${text} -->`;
const hash = (text: string): string => `# ${text}`;

export const GENERATED_BLOCKS: Record<string, Block[]> = {
  [PROTOCOL_DOC_PATH]: [{ name: 'limits', lines: protocolLimits, comment: html }],
  [SECURITY_DOC_PATH]: [{ name: 'limits', lines: securityLimits, comment: html }],
  [ENV_EXAMPLE_PATH]: [{ name: 'overrides', lines: envOverrides, comment: hash }],
};

const startMarker = (block: Block): string =>
  block.comment(`tunables:${block.name} (generated from src/tunables.ts by npm run docs:tunables)`);
const endMarker = (block: Block): string => block.comment(`/tunables:${block.name}`);

/** The text with each block's lines between its markers; throws when a marker is missing. */
export function withGeneratedBlocks(text: string, blocks: Block[]): string {
  let result = text;
  for (const block of blocks) {
    const start = result.indexOf(startMarker(block));
    const end = result.indexOf(endMarker(block));
    if (start < 0 || end < start) {
      throw new Error(`missing markers ${startMarker(block)} … ${endMarker(block)}`);
    }
    result = [
      result.slice(0, start),
      [startMarker(block), ...block.lines(), ''].join('\n'),
      result.slice(end),
    ].join('');
  }
  return result;
}

/** Every generated file as this script would write it. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>([[TUNABLES_DOC_PATH, renderTunablesDoc()]]);
  for (const [file, blocks] of Object.entries(GENERATED_BLOCKS)) {
    files.set(file, withGeneratedBlocks(readFileSync(file, 'utf8'), blocks));
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of renderAll()) {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
