/**
 * Bounds that the contract names: one place, used by HTTP, Socket.io, the importer and the
 * pages, as `LIMITS` (vocabulary.ts re-exports this module under that name). Each bound is
 * a constant of its own, and the pages, with the modules of src/ they bundle, import this
 * module itself (`import * as LIMITS from '…/limits.js'`): a bundle then keeps only the
 * bounds it reads, where the whole table came with any one of them (the widget reads three
 * of the thirty-two; the table cost it 314 bytes gzipped, and the console 370).
 */

/** Entries a page of a log (GET /api/audit, GET /api/webhooks/deliveries): default, most. */
export const logPageDefault = 50;
export const logPageMax = 200;
/** An audit page's cursor as the server writes it is well under this. */
export const auditCursorChars = 200;
export const bodyBytes = 64 * 1024;
/** How much of a client's own text (a header, a query key, an event name) an error repeats. */
export const echoedChars = 64;
export const contentChars = 10_000;
export const lastMessagePreviewChars = 100;
export const historyDefaultLimit = 50;
export const historyMaxLimit = 200;
/** Every id a client gives (userId, adminId, chatId, clientMessageId, a token's sub). */
export const idChars = 100;
/** What the router accepts in one path segment before zod names the field. */
export const pathParamChars = 1024;
export const nameChars = 200;
export const urlChars = 2048;
/** The most chats a superadmin may let one admin hold at once (`maxChats`). */
export const maxChatsMax = 100;
/** A chat's rating: a whole number of stars, and its optional comment's length. */
export const ratingMin = 1;
export const ratingMax = 5;
export const ratingCommentChars = 1000;
/** A user token's `ctx` claim, serialized as JSON (UTF-8 bytes): larger ones are not stored. */
export const customerContextBytes = 4096;
/** A search query: a person types a few words, an id, a name; longer is a 400. */
export const searchQueryChars = 200;
/** Search results per page, by default and at most. */
export const searchDefaultLimit = 20;
export const searchMaxLimit = 50;
/** A search cursor as the server writes it is well under this. */
export const searchCursorChars = 400;
/** A canned reply's shortcut: what an agent types after `/` (letters, digits, `-`, `_`). */
export const cannedShortcutChars = 32;
/** A canned reply's title: one line in the composer's list. */
export const cannedTitleChars = 100;
/** A chat label, after trimming. */
export const labelChars = 50;
/** Distinct labels on one chat. */
export const labelsPerChat = 20;
/**
 * Labels one request may list before repeats are dropped (five spellings of each of
 * labelsPerChat): a list of thousands is refused before it is compared.
 */
export const labelsPerRequest = 100;
/** An ISO-8601 time with its zone (a from/to): 35 with nanoseconds and an offset. */
export const instantChars = 40;
/** An IANA time zone's name (the longest, America/Argentina/ComodRivadavia, is 32). */
export const timeZoneChars = 64;
/** A signed download link's `exp` (Unix seconds: 10 digits until the year 2286). */
export const linkExpiryChars = 20;
/** A signed download link's `sig` (an HMAC-SHA256: 43 characters of base64url). */
export const linkSignatureChars = 100;
/** A signed download link's `v`: whom it was handed to, base64url of JSON [role, id]. */
export const linkViewerChars = 2000;
