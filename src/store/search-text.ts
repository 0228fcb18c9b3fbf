/**
 * How both full-text indexes read a text (migrations.ts 0018 makes them): in Unicode's
 * composed form (NFC, since 0036), then the characters they drop or fold, as SQL. Apart
 * from migrations.ts so that the SQLite writer thread's bundle, which indexes too
 * (sqlite-search-index.ts), does not carry the migrations.
 */

/** The apostrophes both indexes drop (search/rules.ts drops the same from a query). */
export const SEARCH_APOSTROPHES = ["'", '`', '\u2018', '\u2019', '\u02bb', '\u02bc'];
/** Letters both indexes read as another: ё as е (Russian writers use either). */
export const SEARCH_FOLDS: [string, string][] = [
  ['ё', 'е'],
  ['Ё', 'Е'],
];
/** ASCII punctuation, Latin-1 punctuation, general punctuation, CJK punctuation. */
export const SEARCH_PUNCTUATION = '[!-/:-@[-`{-~\u00a1-\u00bf\u2010-\u205e\u3000-\u303f]';
export const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** SQLite: the text an FTS5 table is given for `expr` (apostrophes dropped, ё read as е). */
export const sqliteSearchText = (expr: string): string =>
  [...SEARCH_FOLDS, ...SEARCH_APOSTROPHES.map((ch): [string, string] => [ch, ''])].reduce(
    (inner, [from, to]) => `replace(${inner}, ${sqlText(from)}, ${sqlText(to)})`,
    expr,
  );

/**
 * PostgreSQL: the statement that makes search_vector(body), the terms of a text, reading
 * `input` (an expression of `body`): apostrophes dropped, ё read as е, punctuation turned
 * into spaces (its parser reads "-2024" as a signed number and "a.b" as a host name), then
 * the 'simple' configuration (lowercase, nothing else).
 */
export function postgresSearchVectorFunction(input: string): string {
  const body = `SELECT to_tsvector('simple'::regconfig, regexp_replace(
          translate(${input}, ${sqlText(SEARCH_FOLDS.map(([from]) => from).join('') + SEARCH_APOSTROPHES.join(''))},
            ${sqlText(SEARCH_FOLDS.map(([, to]) => to).join(''))}),
          ${sqlText(SEARCH_PUNCTUATION)}, ' ', 'g'))`;
  return `CREATE OR REPLACE FUNCTION search_vector(body text) RETURNS tsvector
          LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS ${sqlText(body)}`;
}

/**
 * The text as both indexes read it before folding: NFC, so that a word typed with
 * precomposed letters (й U+0439, é) and one typed decomposed (и + U+0306, e + U+0301, as
 * macOS and some Android keyboards write them) are one word. PostgreSQL normalizes in
 * search_vector; SQLite has no normalize, so its index is given the NFC text from here.
 */
export const searchComposed = (text: string): string => text.normalize('NFC');
