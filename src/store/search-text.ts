/**
 * How both full-text indexes read a text (migrations.ts 0018 makes them): the characters
 * they drop or fold, as SQL. Apart from migrations.ts so that the SQLite writer thread's
 * bundle, which indexes too (sqlite-search-index.ts), does not carry the migrations.
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
