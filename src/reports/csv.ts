/**
 * Reports as CSV (RFC 4180): a header row of the field names, then the rows, CRLF line
 * ends. A cell with a comma, quote or line break is quoted; a text cell that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) is prefixed with ', since admin names
 * come from tokens and sign-ins. Spreadsheets skip blanks before a formula's sign, and
 * Excel in East Asian locales reads the full-width and small-form signs as the ASCII ones,
 * so a sign behind blanks or invisible characters, and those signs, count too.
 * Numbers are written as JSON writes them, null as empty.
 */

export type Cell = string | number | null;

const FORMULA_START =
  /^[\t\r]|^[\s\u200B-\u200D\u2060\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B]/u;
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
