/**
 * Log lines for a person at a terminal. pino writes one JSON object per line, which a log
 * collector wants; LOG_FORMAT=pretty (the default when stdout is a terminal) turns each
 * into `12:04:05 INFO  message key=value …`, with an error's stack below it. No
 * dependency: pino-pretty runs as a transport in a worker thread, a second entry point
 * the bundle (dist/main.js) would have to ship beside itself.
 */
import type { DestinationStream } from 'pino';
import type { LogFormat } from './config.js';

const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};

/** Fields every line has; the pretty line shows time and level in front and drops the rest. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

/** LOG_FORMAT, or the terminal's default when unset. */
export function resolveLogFormat(format: LogFormat | 'auto', isTerminal: boolean): LogFormat {
  if (format !== 'auto') return format;
  return isTerminal ? 'pretty' : 'json';
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const stack = 'stack' in err && typeof err.stack === 'string' ? err.stack : undefined;
  const message = 'message' in err && typeof err.message === 'string' ? err.message : '';
  return `\n    ${(stack ?? message).split('\n').join('\n    ')}`;
}

/** One pino JSON line as a readable line; anything that is not a JSON object passes as is. */
export function prettyLine(line: string, colors: boolean): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return line;
  const fields = Object.entries(entry);
  const get = (key: string) => fields.find(([k]) => k === key)?.[1];
  const level = LEVELS[Number(get('level'))] ?? { name: String(get('level')), color: 0 };
  const time = get('time');
  const clock = new Date(typeof time === 'number' ? time : Date.now()).toTimeString().slice(0, 8);
  const paint = (code: number, text: string) => (colors ? `\x1b[${code}m${text}\x1b[0m` : text);
  const extras = fields
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, v]) => paint(90, `${key}=${value(v)}`));
  const msg = get('msg');
  return `${[
    paint(90, clock),
    paint(level.color, level.name.padEnd(5)),
    typeof msg === 'string' ? msg : '',
    ...extras,
  ]
    .filter(Boolean)
    .join(' ')}${errorText(get('err'))}\n`;
}

/** Where pino writes pretty lines: `out` (stdout), coloured when it is a terminal. */
export function prettyDestination(
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): DestinationStream {
  const colors = out.isTTY === true;
  return {
    write(chunk: string) {
      out.write(
        chunk
          .split('\n')
          .filter(Boolean)
          .map((line) => prettyLine(line, colors))
          .join(''),
      );
    },
  };
}
