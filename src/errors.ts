/**
 * The one catalogue of errors a client can meet: each code with its HTTP status, the
 * message sent when the code is raised without a more precise one, and what it means (for
 * docs/errors.md, generated from this table by `npm run docs:errors`). envelopes.ts builds
 * every failure from it: REST replies, socket acks, `error` events and handshake refusals.
 * Anything that is not an AppError is a bug: 500, no details.
 */

interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  readonly meaning: string;
}

export const ERRORS = {
  VALIDATION_ERROR: {
    status: 400,
    message: 'Invalid input',
    meaning:
      'A body, query, path parameter or socket payload failed its schema (wrong type, missing field, too long, not valid text, an out-of-range integer); the message names the field.',
  },
  INVALID_JSON: {
    status: 400,
    message: 'Request body is not valid JSON',
    meaning: 'The request body could not be parsed as JSON.',
  },
  REPORT_RANGE: {
    status: 400,
    message: 'from/to: not a range a report covers',
    meaning:
      'A report (GET /api/reports/…) was asked for a reversed range (`from` not before `to`) or a longer one than it covers: `reportRangeMaxDays` for the summary and agents, `reportDayRangeMaxDays` of day buckets, `reportHourRangeMaxDays` of hour buckets; the message names the bound.',
  },
  MALFORMED_REQUEST: {
    status: 400,
    message: 'The request is not valid HTTP',
    meaning:
      "Node's HTTP parser refused the request before any route saw it (a request line or header with bytes HTTP does not allow, such as raw non-ASCII letters in the path: percent-encode them). The connection is closed.",
  },
  EXPECTATION_FAILED: {
    status: 417,
    message: 'Expect: only 100-continue is understood',
    meaning:
      'The request carried an `Expect` header other than `100-continue`, which no route can meet; the message names the value sent. The connection is closed (the body, if any, was not read).',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request took too long to arrive',
    meaning:
      'The whole request (headers and body) did not arrive within `requestTimeoutMs` (uploads have their own pace rules: ATTACHMENT_TIMEOUT). The connection is closed.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are too large',
    meaning:
      "The request's headers exceed Node's limit (16 KiB by default). The connection is closed.",
  },
  UNKNOWN_EVENT: {
    status: 400,
    message: 'Unknown event',
    meaning: 'A socket event the server does not handle (Socket.io only).',
  },
  NOT_IDENTIFIED: {
    status: 401,
    message: 'Join as a user or admin (join-user / join-admin) first',
    meaning:
      'With AUTH_MODE=none: the call needs to know who is acting, and neither the payload nor an earlier join-user / join-admin named anyone.',
  },
  MISSING_TOKEN: {
    status: 401,
    message: 'A bearer token is required',
    meaning:
      'With AUTH_MODE=jwt: no `Authorization: Bearer` header (REST) or no `auth.token` / `?token=` (Socket.io handshake).',
  },
  INVALID_TOKEN: {
    status: 401,
    message: 'Invalid token',
    meaning:
      'The token does not verify: bad signature or algorithm, wrong issuer or audience, no `exp`, a lifetime over 24 hours, a missing `sub` or an unknown `role`.',
  },
  TOKEN_EXPIRED: {
    status: 401,
    message: 'Token expired; sign in again for a fresh token',
    meaning:
      'The token has expired. A connected socket gets this as an `error` event and is disconnected; reconnect with a fresh token.',
  },
  FORBIDDEN: {
    status: 403,
    message: 'You may not do this',
    meaning:
      'The caller is known but may not do this: not their chat, not an admin, not the assignee, a payload identity that does not match the token, or a recovered session that belongs to someone else.',
  },
  FORBIDDEN_PATH: {
    status: 403,
    message: 'This path is not served',
    meaning:
      'A path under `/assets/` that the file server refuses outright: one that climbs out of its folder (`..`, also written with encoded or back slashes) or holds a NUL character.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'Not found',
    meaning: 'No such route.',
  },
  CHAT_NOT_FOUND: {
    status: 404,
    message: 'Chat not found',
    meaning: 'No chat has this id.',
  },
  ADMIN_NOT_FOUND: {
    status: 404,
    message: 'No admin with this id is known to the server',
    meaning:
      'A transfer names a `toAdminId`, or `PUT /api/agents/:adminId` an `adminId`, that the server has never seen: no admin with that id has connected or acted, and none holds an open chat (`GET /api/admins` lists the admins it knows). Nothing changed.',
  },
  CANNED_REPLY_NOT_FOUND: {
    status: 404,
    message: 'Canned reply not found',
    meaning:
      "No canned reply has this id, or it is another admin's personal reply (which is never shown to anyone else).",
  },
  CANNED_SHORTCUT_TAKEN: {
    status: 409,
    message: 'This shortcut is already used',
    meaning:
      "Another canned reply of the same scope (the caller's personal ones, or the team's) has this shortcut, case not counting. Nothing changed.",
  },
  CANNED_REPLIES_FULL: {
    status: 409,
    message: 'No room for another canned reply',
    meaning:
      'The admin (personal) or the team already has `cannedRepliesMax` canned replies: delete one first. Nothing changed.',
  },
  CHAT_TAKEN: {
    status: 409,
    message: 'Chat is already taken by another admin',
    meaning:
      'Another admin holds or has locked the chat. The envelope also carries `assignedTo` (their name) and `assignedAdminId`.',
  },
  CHAT_CLOSED: {
    status: 409,
    message: 'Chat is closed',
    meaning: 'The chat is closed: it takes no messages and cannot be taken.',
  },
  CHAT_NOT_ASSIGNED: {
    status: 409,
    message: 'Chat is not assigned to anyone',
    meaning: 'Transfer or unlock of a chat that nobody holds (assign it instead).',
  },
  CHAT_CHANGED: {
    status: 409,
    message: 'Chat changed while the request ran; reload it',
    meaning:
      'The chat changed between reading and writing it (another request won the race), or a transfer names a `fromAdminId` that no longer holds it. Reload and decide again.',
  },
  CHAT_NOT_CLOSED: {
    status: 409,
    message: 'Chat is not closed yet',
    meaning: 'A rating of a chat that is still open: a chat is rated after it is closed.',
  },
  ALREADY_RATED: {
    status: 409,
    message: 'This chat has been rated already',
    meaning:
      'A chat is rated once: this one has its rating (given now by a concurrent request, or before). The envelope carries nothing else; the chat shows the rating.',
  },
  RATING_EXPIRED: {
    status: 409,
    message: 'This chat can no longer be rated',
    meaning:
      "The chat was closed longer ago than the rating window (`ratingWindowSeconds`, 7 days). A conflict with the chat's state, like the other refusals of a rating, so a client handles them alike.",
  },
  CLIENT_MESSAGE_ID_TAKEN: {
    status: 409,
    message: 'This clientMessageId was already used in this chat by someone else',
    meaning:
      'Each side of a chat keys its own retries: a `clientMessageId` already stored for a message of another sender in the same chat stores nothing. Send again with a fresh id (a random UUID per message never meets this).',
  },
  ERASURE_IN_PROGRESS: {
    status: 409,
    message: "This user's data is being erased",
    meaning:
      "A chat opened for a user (`POST /api/chats`, or a user's send without `chatId`, REST or socket), or a user's upload (`POST /api/attachments`, refused before its file is read, or as its record would be stored: its bytes are deleted), while a superadmin's `DELETE /api/users/:userId` of that user runs, on any node, or an upload whose file was on its way when such an erasure ended: nothing was stored. Also a second `DELETE /api/users/:userId` of a user while the first still runs: the first is not done yet (ask again: once it has ended the answer is `alreadyErased`). Once the erasure ends (their sockets are disconnected then), a new chat can be opened, files uploaded, and a DELETE answered. A hold its node left by dying stops refusing after `erasureHoldStaleMs`.",
  },
  PRECONDITION_FAILED: {
    status: 412,
    message: 'The file does not meet the request precondition',
    meaning:
      'A static file (`/assets/`, `/console`) asked for with an `If-Match` or `If-Unmodified-Since` it does not meet: it has changed.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'Request body is too large',
    meaning:
      'A REST body over 64 KiB. (A socket frame over 64 KiB is dropped by the transport, which closes the connection.)',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message:
      'Send a JSON body (Content-Type: application/json), or multipart/form-data to upload a file (POST /api/attachments)',
    meaning:
      'A request body that is not `application/json` (nor, for `POST /api/attachments`, `multipart/form-data`); the message names the media type sent.',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    message: 'The requested range is outside the file',
    meaning:
      'A `Range` header on a static file (`/assets/`) or an attachment download that starts past its end (or, on a download, asks for no bytes). A download answers `Content-Range: bytes */<size>` with it.',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests; slow down',
    meaning:
      'Over a rate limit. REST answers carry `Retry-After` (seconds); every envelope carries `retryAfterMs`. Nothing was stored.',
  },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'The message store is unavailable; try again shortly',
    meaning:
      'The database cannot be reached or refuses writes (full disk, read-only), or the bucket attachments are kept in (S3_BUCKET) cannot answer (missing, refusing the credentials, away). Nothing was stored; retry later (with the same `clientMessageId` for a send).',
  },
  ATTACHMENT_FORM: {
    status: 400,
    message: 'An upload is a multipart/form-data body with one part `file`',
    meaning:
      'An upload that is not one file in a `multipart/form-data` body: no `file` part, several files, too many or too long fields, too many part headers, or a malformed body; the message says which. Nothing was stored.',
  },
  ATTACHMENT_LINK: {
    status: 403,
    message: 'This attachment link is invalid or has expired',
    meaning:
      'A download link whose `exp`/`sig` do not verify (tampered, or signed by another secret) or whose time has passed: fetch the message again for a fresh link. With or without an `Authorization` header.',
  },
  ATTACHMENT_NOT_FOUND: {
    status: 404,
    message: 'Attachment not found',
    meaning:
      'No attachment has this id (never uploaded, or an unused upload deleted after 24 hours).',
  },
  USER_NOT_FOUND: {
    status: 404,
    message: 'Nothing stored names this user',
    meaning:
      'An export or erasure of a user id nothing stored names: no chat, no upload no message used, no audit entry of what they did or of an export of them (never seen, or erased). A user without a chat whom an upload or audit entries name is exported (no chats) and erased; a repeated erasure answers 200 `alreadyErased` instead.',
  },
  DELIVERY_NOT_FOUND: {
    status: 404,
    message: 'No failed webhook delivery has this id',
    meaning:
      'A retry of a webhook delivery that does not exist, or that is not failed (pending ones are retried on their own; delivered ones are done).',
  },
  ATTACHMENT_TIMEOUT: {
    status: 408,
    message: 'The upload was too slow',
    meaning:
      'An upload during which no byte arrived for `ATTACHMENT_UPLOAD_IDLE_MS`, whose average rate after `ATTACHMENT_UPLOAD_GRACE_MS` fell below `ATTACHMENT_UPLOAD_MIN_RATE` bytes per second, or that took longer than `ATTACHMENT_UPLOAD_MAX_MS`; the message says which. The time the node itself held the upload back (its `ATTACHMENT_UPLOAD_BYTES_PER_SECOND` spent by uploads) is not counted. Nothing was stored, the upload counts against no limit or quota, and the connection is closed: try again on a better connection.',
  },
  ATTACHMENT_USED: {
    status: 409,
    message: 'This attachment cannot be sent here',
    meaning:
      "An attachment is sent by one message only, by its uploader, in the chat it was uploaded to: it is used already, is someone else's, or belongs to another chat. Upload the file again. (A retried send with the same `clientMessageId` answers the stored message instead.)",
  },
  ATTACHMENT_TOO_LARGE: {
    status: 413,
    message: 'The file is too large',
    meaning:
      "The file is larger than `ATTACHMENT_MAX_BYTES`: refused as soon as that many bytes were read, without reading the rest into anything, or from the request's headers alone when its `Content-Length` is over `ATTACHMENT_MAX_BYTES` plus `attachmentFormBytes` (before any of the body is read). The connection is closed once the client stops sending, or after `attachmentRefusalLingerMs`.",
  },
  ATTACHMENT_PIXELS: {
    status: 413,
    message: 'The image has too many pixels',
    meaning:
      'An image whose width × height (× frames) exceeds `ATTACHMENT_MAX_PIXELS`, whatever its size in bytes (a decompression bomb is refused before it is decoded).',
  },
  ATTACHMENT_QUOTA: {
    status: 413,
    message: 'Your attachment storage is full',
    meaning:
      "The upload would take the uploader's stored attachments past `ATTACHMENT_QUOTA_BYTES`. Unused uploads are deleted after 24 hours and give their space back.",
  },
  ATTACHMENT_TYPE: {
    status: 415,
    message: 'This type of file is not accepted',
    meaning:
      'The content is not PNG, JPEG, GIF, WebP, PDF or plain UTF-8 text (HTML, SVG, XML, scripts, archives, executables… also when the bytes are text), or the declared type or the extension contradicts the content. The type is decided by the content, never by the name.',
  },
  ATTACHMENT_DAMAGED: {
    status: 422,
    message: 'The image cannot be read',
    meaning: 'The content starts like an image of an accepted type but cannot be decoded.',
  },
  ATTACHMENT_INFECTED: {
    status: 422,
    message: 'The file was refused by the malware scanner',
    meaning:
      'With a malware scanner configured, it found a signature in the file. Nothing was stored.',
  },
  SCANNER_UNAVAILABLE: {
    status: 503,
    message: 'Uploads cannot be checked for malware right now; try again shortly',
    meaning:
      'With a malware scanner configured, it could not be reached: uploads are refused rather than stored unchecked (fail closed). Nothing was stored.',
  },
  INTERNAL_ERROR: {
    status: 500,
    message: 'Internal server error',
    meaning: 'A bug in the server; it is logged with its stack, and the reply carries no details.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes whose catalogue status is S (so a 401 class cannot raise a 403 code). */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERRORS)[C]['status'] extends S ? C : never;
}[ErrorCode];

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    /** Extra envelope fields v2 clients read (e.g. `assignedTo` on a taken chat). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** What went wrong underneath, for the log (never sent to the client). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.status = ERRORS[code].status;
  }
}

export class InvalidInput extends AppError {
  constructor(message: string, code: CodeWithStatus<400> = 'VALIDATION_ERROR') {
    super(code, message);
  }
}

export class Unauthorized extends AppError {
  constructor(message: string, code: CodeWithStatus<401>) {
    super(code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class NotFound extends AppError {
  constructor(message: string, code: CodeWithStatus<404> = 'NOT_FOUND') {
    super(code, message);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code: CodeWithStatus<409>, extra: Record<string, unknown> = {}) {
    super(code, message, extra);
  }
}

export class RateLimited extends AppError {
  constructor(readonly retryAfterMs: number) {
    super('RATE_LIMITED', undefined, { retryAfterMs });
  }
}

export class Unavailable extends AppError {
  constructor(cause?: unknown) {
    super('STORE_UNAVAILABLE', undefined, {}, cause);
  }
}

/** One refusal, REST and socket alike: the catalogue's message. */
export const tokenExpired = (): Unauthorized =>
  new Unauthorized(ERRORS.TOKEN_EXPIRED.message, 'TOKEN_EXPIRED');

export const chatNotFound = (chatId: string): NotFound =>
  new NotFound(`Chat ${chatId} not found`, 'CHAT_NOT_FOUND');

/** An export or erasure of a user nothing stored names. */
export const userNotFound = (userId: string): NotFound =>
  new NotFound(`Nothing stored names user ${userId}`, 'USER_NOT_FOUND');

/** A chat opened for, or an upload by, a user whose erasure runs (store/privacy.ts holds them off). */
export const erasureInProgress = (userId: string): Conflict =>
  new Conflict(
    `User ${userId} is being erased: no chat is opened and no file stored for them until the erasure ends`,
    'ERASURE_IN_PROGRESS',
  );

/** A DELETE of a user another erasure of them is still running (on any node). */
export const erasureRunning = (userId: string): Conflict =>
  new Conflict(
    `User ${userId} is already being erased by another request: ask again once it has ended`,
    'ERASURE_IN_PROGRESS',
  );

/** An upload whose file was on its way while its uploader was erased: not stored. */
export const erasedDuringUpload = (userId: string): Conflict =>
  new Conflict(
    `User ${userId} was erased while this file was being uploaded: it was not stored`,
    'ERASURE_IN_PROGRESS',
  );

/** A transfer's target the server has never seen (a mistyped id would orphan the chat). */
export const adminNotFound = (field: string, adminId: string): NotFound =>
  new NotFound(`${field}: no admin ${adminId} is known to this server`, 'ADMIN_NOT_FOUND');
