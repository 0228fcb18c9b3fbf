/**
 * Reports as CSV (RFC 4180): a header row of the field names, then the rows, CRLF line
 * ends. A cell with a comma, quote or line break is quoted; a text cell that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) is prefixed with ', since admin names
 * come from tokens and sign-ins. Numbers are written as JSON writes them, null as empty.
 */

export type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/u;
const NEEDS_QUOTES = /[",\r\n]/u;

function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const safe = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(cellText).join(',')).join('\r\n') + '\r\n';
}
