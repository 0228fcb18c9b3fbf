/**
 * The agent console (`/console`) and the chat widget (`/widget.js`), built by
 * scripts/build-web.mjs into dist/web. Content-hashed assets are cached for a year; the
 * console page and the widget loader are revalidated (ETag), so a deploy reaches browsers
 * at once. The console page carries its own strict Content-Security-Policy; widget files
 * may be loaded by host pages on other origins (Cross-Origin-Resource-Policy).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { ConsoleConfig, WidgetServerConfig } from '../../schemas/shapes.js';

interface Page {
  body: string;
  etag: string;
}

/** dist/web beside the bundle (dist/main.js), or the built folder when running from src/. */
function webDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, 'web'), resolve(here, '../../../dist/web')].find((dir) =>
    existsSync(join(dir, 'manifest.json')),
  );
}

function page(dir: string, file: string): Page {
  const body = readFileSync(join(dir, file), 'utf8');
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * The console runs only its own files; it may be framed only by itself and the admin
 * panels of CONSOLE_PARENT_ORIGINS (not CORS_ORIGIN: the user-facing app is listed there).
 */
function consoleCsp(parents: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    `frame-ancestors ${["'self'", ...parents].join(' ')}`,
  ].join('; ');
}

function send(req: FastifyRequest, reply: FastifyReply, p: Page, type: string, cache: string) {
  reply.header('cache-control', cache).header('etag', p.etag).type(type);
  if (req.headers['if-none-match'] === p.etag) return reply.code(304).send();
  return reply.send(p.body);
}

export function webRoutes(config: Config): FastifyPluginAsync {
  return async (app) => {
    const dir = webDir();
    if (!dir) {
      app.log.warn('dist/web is missing: /console and /widget.js are not served (npm run build)');
      return;
    }
    const consolePage = page(dir, 'console.html');
    const loader = page(dir, 'widget.js');
    const demo = page(dir, 'widget-demo.html');
    const parentOrigins = config.consoleParentOrigins;
    // The largest upload (ATTACHMENT_MAX_BYTES), so that the UIs refuse a file over it
    // before sending it, instead of after sending up to that many bytes for nothing.
    const uploads: WidgetServerConfig = { attachmentMaxBytes: config.tunables.attachmentMaxBytes };
    const csp = consoleCsp(parentOrigins);
    // The same list the frame-ancestors allow: the console takes tokens by postMessage only
    // from a parent window of one of these origins.
    const settings: ConsoleConfig = { authMode: config.auth.mode, parentOrigins, ...uploads };

    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (reply) => reply.header('cross-origin-resource-policy', 'cross-origin'),
    });

    const hidden = { schema: { hide: true } };
    app.get('/console', hidden, (req, reply) => {
      reply.header('content-security-policy', csp);
      if (parentOrigins.length === 0) reply.header('x-frame-options', 'SAMEORIGIN');
      else reply.removeHeader('x-frame-options');
      return send(req, reply, consolePage, 'text/html; charset=utf-8', 'no-cache');
    });
    app.get('/console/config.json', hidden, (_req, reply) =>
      reply.header('cache-control', 'no-store').send(settings),
    );
    // The widget's, read from the host page's origin with CORS (CORS_ORIGIN), as the API is.
    app.get('/widget/config.json', hidden, (_req, reply) =>
      reply.header('cache-control', 'no-store').send(uploads),
    );
    app.get('/widget.js', hidden, (req, reply) => {
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return send(req, reply, loader, 'text/javascript; charset=utf-8', 'public, max-age=300');
    });
    // The two pages people type: with a trailing slash they would be a 404.
    for (const path of ['/console', '/widget/demo']) {
      app.get(`${path}/`, hidden, (req, reply) => {
        const query = req.url.indexOf('?');
        return reply.redirect(query === -1 ? path : path + req.url.slice(query), 308);
      });
    }
    app.get('/widget/demo', hidden, (req, reply) => {
      reply.header(
        'content-security-policy',
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      );
      return send(req, reply, demo, 'text/html; charset=utf-8', 'no-cache');
    });
  };
}
