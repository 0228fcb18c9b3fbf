/**
 * docs/errors.md from the error catalogue (src/errors.ts). `npm run docs:errors` writes it;
 * test/docs/errors-doc.test.ts fails when the committed file differs from what this renders.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ERRORS } from '../src/errors.js';

export const ERRORS_DOC_PATH = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

/** A table cell: a pipe would end the cell early. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

export function renderErrorsDoc(): string {
  const rows = ERROR_CODES.map((code) => {
    const { status, message, meaning } = ERRORS[code];
    return `| \`${code}\` | ${status} | ${cell(meaning)} | ${cell(message)} |`;
  });
  return [
    '<!-- Generated from src/errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    '# Error codes',
    '',
    'Every failure, on every path, is the same envelope:',
    '',
    '```json',
    '{ "success": false, "error": "<a sentence for people>", "code": "<CODE>" }',
    '```',
    '',
    'REST answers it with the status below; a socket acknowledgement carries the same',
    'envelope (the status is not sent: read `code`); an event sent without an',
    'acknowledgement callback that fails is answered by an `error` event carrying the',
    'envelope plus `event` (the name of the event that failed); a refused Socket.io',
    'handshake gives the client a `connect_error` whose `message` is the sentence and whose',
    '`data` is the envelope. Branch on `code`, never on `error`: the sentence may change',
    'and often names the field or the reason (`"content: must not be empty (or give a',
    'fileUrl)"`). Some codes carry extra fields, named below.',
    '',
    '| code | status | meaning | default `error` |',
    '|---|---:|---|---|',
    ...rows,
    '',
    'See [protocol.md](protocol.md) for when each call can fail.',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  process.stdout.write(`wrote ${ERRORS_DOC_PATH}\n`);
}
