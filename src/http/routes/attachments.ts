/**
 * Attachments over HTTP: the upload (multipart, streamed by @fastify/multipart, registered
 * in this plugin only, so every other route stays JSON-only) and the downloads. The file
 * is read into memory once, up to ATTACHMENT_MAX_BYTES: one byte more and the upload is
 * refused without reading the rest (the connection is closed, so the rest is never read).
 * Nothing is stored before the whole file was read and checked, so a slow or aborted
 * upload leaves nothing behind.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseRange } from '../../attachments/byte-range.js';
import { isImageType, thumbnailName } from '../../attachments/content-type.js';
import { type Download, openAttachment, RangeNotSatisfiable } from '../../attachments/download.js';
import {
  type FileIntake,
  fileIntake,
  intakeBuffers,
  type ReceivedFile,
} from '../../attachments/file-intake.js';
import {
  type Admission,
  admitUpload,
  releaseUpload,
  type UploadedFile,
  uploadAttachment,
} from '../../attachments/upload.js';
import { type BudgetGate, budgetGate, monotonicMs } from '../../attachments/upload-budget.js';
import { paceWatch, type UploadPace } from '../../attachments/upload-pace.js';
import { ANONYMOUS, senderClaim } from '../../auth/actor.js';
import { AppError, InvalidInput } from '../../errors.js';
import {
  AttachmentLinkQuery,
  AttachmentParams,
  describeIssue,
  UploadFields,
} from '../../schemas/inputs.js';
import { TUNABLES } from '../../tunables.js';
import { type HttpContext, respond } from '../context.js';
import { sentMediaType } from '../errors.js';
import { closeAfterLingering } from '../lingering-close.js';
import { exemptFromRequestTimeout } from '../request-timeout.js';
import { routeSchema } from '../route-schema.js';
import { cutWhenStalled } from '../stalled-reply.js';

/** What a form holds besides its file, at most (its fields, parts' boundaries and headers). */
const FORM_BYTES = TUNABLES.attachmentFormBytes.value;

const formError = (message: string) => new AppError('ATTACHMENT_FORM', message);

/** What every refusal of a body that is no form says first. */
const MULTIPART_ONLY = 'An upload is a multipart/form-data body';
const tooLarge = (maxBytes: number) =>
  new AppError(
    'ATTACHMENT_TOO_LARGE',
    `The file is larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`,
  );

/**
 * The file part into one buffer and its hash as it arrives (attachments/file-intake.ts),
 * refused the moment it passes `maxBytes`: the plugin's toBuffer() would go on reading
 * (and discarding) the rest of the request to its end. Destroying the part stops the
 * parser; the reply closes the connection. What the part holds is charged to the node's
 * upload budget: while its wait lasts the part is paused, which pauses the parser and the
 * connection behind it. A turn takes all the part holds, not one chunk: a connection that
 * hands the node small reads would otherwise get one of them a turn where another gets
 * 64 KiB, and fall far behind the rate it sends at. The chunks come one 'data' event each
 * and are charged together at the turn's end (a tick later): read() with no size handed
 * them over joined, a new buffer and a copy of each.
 */
function readFile(
  file: Readable & { truncated?: boolean },
  intake: FileIntake,
  maxBytes: number,
  gate: BudgetGate,
): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    // The parser may have given up on the part (the body ended inside it) while the
    // uploader was being admitted: its error and close were emitted before anyone listened.
    if (file.destroyed) {
      reject(file.errored ?? formError('The multipart body ended inside the file part'));
      return;
    }
    let taken = 0;
    const refuse = () => {
      file.destroy();
      reject(tooLarge(maxBytes));
    };
    const charge = () => {
      const wait = gate.charge(taken);
      taken = 0;
      if (!wait) return;
      file.pause();
      wait.then(() => file.resume());
    };
    file.on('limit', refuse);
    file.on('data', (chunk: Buffer) => {
      if (file.destroyed) return;
      if (!intake.add(chunk)) return refuse();
      if (taken === 0) process.nextTick(charge);
      taken += chunk.length;
    });
    file.on('end', () => (file.truncated ? refuse() : resolve(intake.finish())));
    file.on('error', reject);
  });
}

/** The request's declared length, which its file cannot exceed; undefined when chunked. */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** @fastify/multipart's and busboy's refusals, each as the 4xx that names it. */
function multipartRefusal(err: unknown, maxBytes: number): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
      return formError('One file per upload: the form has several file parts');
    case 'FST_FIELDS_LIMIT':
      return formError(
        `Too many form fields: at most ${TUNABLES.attachmentFormFields.value} besides the file`,
      );
    case 'FST_PARTS_LIMIT':
      return formError('Too many form parts');
    case 'FST_PROTO_VIOLATION':
      return formError('A form field has a forbidden name');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return formError(MULTIPART_ONLY);
    default: {
      const why = err instanceof Error ? err.message : 'unreadable';
      return formError(`The multipart body is malformed: ${why}`);
    }
  }
}

/**
 * The upload's pace (attachments/upload-pace.ts), from the bytes its connection has read:
 * a counter, so no stream is tapped or slowed. Its clock is the time the node was willing
 * to read: while the upload budget holds the upload back, the client is not the one who
 * is slow, and that time is not counted against it (up to what the chunk it waits after
 * would have taken at the minimum rate, upload-budget.ts). `expired` rejects with
 * ATTACHMENT_TIMEOUT the first time the pace says so; `stop` once the body is in (or the
 * upload failed).
 */
function watchPace(req: IncomingMessage, bounds: UploadPace, gate: BudgetGate) {
  const { socket } = req;
  // Less the body already read with the headers and waiting for the form parser: it
  // arrived, and a client whose first packets carried it is not the slower for it.
  const base = socket.bytesRead - req.readableLength;
  const willing = () => {
    const now = monotonicMs();
    return now - gate.heldMs(now);
  };
  const watch = paceWatch(bounds, willing());
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    const every = Math.min(TUNABLES.attachmentUploadCheckMs.value, bounds.idleMs / 2);
    timer = setInterval(() => {
      const why = watch.observe(willing(), socket.bytesRead - base);
      if (why === undefined) return;
      clearInterval(timer);
      reject(new AppError('ATTACHMENT_TIMEOUT', why));
    }, every);
  });
  // Settled after the race was decided otherwise: nobody waits for it then.
  expired.catch(() => {});
  return { expired, stop: () => clearInterval(timer) };
}

function parseFields(fields: Record<string, string>) {
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) throw new InvalidInput(describeIssue(parsed.error));
  return parsed.data;
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the real name, in
 * RFC 8187's form, which allows fewer characters unencoded than encodeURIComponent leaves:
 * not ' (its own delimiter), (, ) or *.
 */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A header as one string: repeated, its values joined (so it matches no single validator). */
const headerText = (value: string | string[] | undefined): string | undefined =>
  value === undefined ? undefined : [value].flat().join(', ');

/** The headers of every download (docs/security.md): nothing in it can run on our origin. */
function downloadHeaders(reply: FastifyReply, download: Download, variant: 'file' | 'thumbnail') {
  const { contentType, record, size, range } = download;
  const name = variant === 'file' ? record.name : thumbnailName(record.name, contentType);
  reply
    .header('content-type', contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header(
      'content-disposition',
      disposition(isImageType(contentType) ? 'inline' : 'attachment', name),
    )
    .header('cache-control', 'private')
    // Signed links are meant for <img> and links on the app's own pages, on another origin.
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('accept-ranges', 'bytes')
    .header('etag', download.etag);
  if (range) {
    reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1);
  } else {
    reply.header('content-length', size);
  }
}

export function attachmentRoutes(ctx: HttpContext): FastifyPluginAsync {
  const { maxBytes } = ctx.deps.attachments;
  const buffers = intakeBuffers(
    TUNABLES.attachmentIntakeBuffersKept.value,
    TUNABLES.attachmentIntakeBuffersIdleMs.value,
  );
  return async (plugin) => {
    await plugin.register(multipart, {
      limits: {
        fileSize: maxBytes,
        files: 1,
        fields: TUNABLES.attachmentFormFields.value,
        parts: TUNABLES.attachmentFormFields.value + 1,
        fieldSize: TUNABLES.attachmentFieldBytes.value,
        fieldNameSize: 100,
        headerPairs: TUNABLES.attachmentPartHeaders.value,
      },
      throwFileSizeLimit: true,
    });
    // Any other body is refused here, before the route, as it was by Fastify: with what an
    // upload is, not the JSON the other routes take. JSON is refused as no form
    // (ATTACHMENT_FORM), and unread, as the rest: never invited by a 100 Continue.
    plugin.addContentTypeParser('*', (req, _payload, done) => {
      const sent = sentMediaType(req.headers['content-type']);
      done(new AppError('UNSUPPORTED_MEDIA_TYPE', `${MULTIPART_ONLY}, not ${sent}`), undefined);
    });
    plugin.removeContentTypeParser('application/json');
    plugin.addContentTypeParser('application/json', (_req, _payload, done) => {
      done(formError(MULTIPART_ONLY), undefined);
    });
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/attachments',
      { schema: routeSchema('POST /api/attachments') },
      async (req, reply) => {
        if (!req.isMultipart()) throw formError(MULTIPART_ONLY);
        // Judged by its pace rather than the whole-request timeout, until its reply is out;
        // a refused one's connection closes after lingering, which no timeout may cut short.
        const timeAgain = exemptFromRequestTimeout(req.raw.socket);
        let lingering = false;
        reply.raw.once('close', () => lingering || timeAgain());
        // The rest of a refused body is not read into anything: the connection closes, once
        // the client had the time to read why (lingering-close.ts).
        const closeAfterAnswer = () => {
          reply.header('connection', 'close');
          lingering = true;
          closeAfterLingering(req.raw, {
            ms: TUNABLES.attachmentRefusalLingerMs.value,
            bytes: maxBytes + FORM_BYTES,
          });
        };
        // The token (AUTH_MODE=jwt) is in the headers: a caller without a valid one is refused
        // before being asked for the file (an `Expect: 100-continue` is met only when the
        // body is first read, expectations.ts). The fields' identity is checked against it later.
        try {
          await ctx.actorFor(req, undefined);
        } catch (err) {
          closeAfterAnswer();
          throw err;
        }
        // A body declared longer than any form with a file within the limit: refused from its
        // headers, before the client is kept sending what would be read only to be dropped.
        const declared = declaredLength(req.raw);
        if (declared !== undefined && declared > maxBytes + FORM_BYTES) {
          closeAfterAnswer();
          throw tooLarge(maxBytes);
        }
        const { pace: bounds, uploadBudget } = ctx.deps.attachments;
        const gate = budgetGate(uploadBudget, bounds.minBytesPerSecond);
        const pace = watchPace(req.raw, bounds, gate);
        let admission: Admission | undefined;
        const fields: Record<string, string> = {};
        const actorOf = () => {
          const { senderId, senderName, senderType } = parseFields(fields);
          const claim = senderId
            ? senderClaim(senderId, senderName ?? '', senderType ?? 'user')
            : undefined;
          return ctx.actorFor(req, claim);
        };
        let file: UploadedFile | undefined;
        let intake: FileIntake | undefined;
        const reading = (async () => {
          for await (const part of req.parts()) {
            if (part.type === 'field') {
              if (part.valueTruncated || part.fieldnameTruncated) {
                throw formError(`The form field ${part.fieldname} is too long`);
              }
              // Who uploads and to which chat were admitted as the fields before the file
              // said: a field after it would store the file as someone else's, or elsewhere.
              if (admission) {
                throw formError(
                  `The form field ${part.fieldname} comes after the file: fields go before the file part`,
                );
              }
              fields[part.fieldname] = String(part.value);
              continue;
            }
            if (part.fieldname !== 'file') {
              throw formError(`The file part must be named "file", not "${part.fieldname}"`);
            }
            // Before reading a byte of the file: who, their budget, the chat so far, the quota.
            admission = await admitUpload(ctx.deps, await actorOf(), parseFields(fields).chatId);
            intake = fileIntake(maxBytes, declaredLength(req.raw), buffers);
            file = {
              ...(await readFile(part.file, intake, maxBytes, gate)),
              filename: part.filename,
              declaredType: part.mimetype,
            };
          }
        })();
        // The file's buffer goes back for another upload only once nothing can touch it: the
        // upload answered or failed, and the parser done (after a timeout it may still be
        // filling it until the connection closes).
        const release = () => intake?.release();
        try {
          return await readAndStore();
        } finally {
          reading.then(release, release);
        }
        async function readAndStore() {
          try {
            await Promise.race([reading, pace.expired]);
          } catch (err) {
            // After a timeout the parser fails too, when the connection closes: nothing to add.
            reading.catch(() => {});
            closeAfterAnswer();
            // Too slow, or cut off by the client (its request ended before its body did):
            // nothing was stored, and the upload's place in the budget goes back.
            const timedOut = err instanceof AppError && err.code === 'ATTACHMENT_TIMEOUT';
            if (timedOut || req.raw.readableAborted) {
              // Admitted, or being admitted while it ended: its budget goes back.
              if (admission) await releaseUpload(ctx.deps, admission.uploader);
              else {
                const late = () =>
                  admission ? releaseUpload(ctx.deps, admission.uploader) : undefined;
                reading.then(late, late).catch(() => {});
              }
            }
            throw multipartRefusal(err, maxBytes);
          } finally {
            pace.stop();
            gate.close();
          }
          // A file is read only once admitted: without one there is neither.
          if (!file || !admission) {
            throw formError('No file: the form needs one part named "file"');
          }
          const { chatId } = parseFields(fields);
          const deskSeqAtAdmission = admission.deskSeq;
          return respond(
            ctx,
            await uploadAttachment(ctx.deps, await actorOf(), { chatId, file, deskSeqAtAdmission }),
          );
        }
      },
    );

    // Downloads answer bytes, not the JSON envelope: kept out of the OpenAPI document (see
    // docs/protocol.md, Attachments); failures are envelopes like everywhere else.
    for (const variant of ['file', 'thumbnail'] as const) {
      const path =
        variant === 'file' ? '/attachments/:attachmentId' : '/attachments/:attachmentId/thumbnail';
      app.get(
        path,
        { schema: { hide: true, params: AttachmentParams, querystring: AttachmentLinkQuery } },
        async (req, reply) => {
          const { exp, sig, v } = req.query;
          const link =
            exp !== undefined || sig !== undefined || v !== undefined
              ? { exp: exp ?? '', sig: sig ?? '', v }
              : undefined;
          // A signed link is the whole authorization; a header beside it changes nothing.
          const actor = link ? ANONYMOUS : await ctx.actorFor(req, undefined);
          let download: Download;
          try {
            download = await openAttachment(ctx.deps, actor, {
              id: req.params.attachmentId,
              variant,
              link,
              range: parseRange(req.headers.range),
              ifRange: headerText(req.headers['if-range']),
              headersOnly: req.method === 'HEAD',
            });
          } catch (err) {
            if (err instanceof RangeNotSatisfiable) {
              reply.header('content-range', `bytes */${err.size}`);
            }
            throw err;
          }
          downloadHeaders(reply, download, variant);
          cutWhenStalled(reply, ctx.deps.attachments.downloadIdleMs);
          return reply.send(download.body);
        },
      );
    }
  };
}
