/**
 * A transcript as one standalone HTML page to keep or print: every text escaped, each
 * message's and name's direction its own (`dir="auto"`, `<bdi>`: right-to-left text stays
 * inside its element), embedding, override and isolate controls shown as `[U+202E]` as the
 * console shows them (the copy must read as the desk saw it), no script, its only style inline and allowed by
 * hash in the page's own Content-Security-Policy (which also holds when the saved file is
 * opened from disk, where no header does). Pure: the use case streams the pieces.
 */
import { createHash } from 'node:crypto';
import { showBidiControls } from '../schemas/text-rules.js';
import type { TranscriptNote } from '../schemas/transcript.js';
import type { TranscriptHead } from './json.js';
import type { TimelineItem } from './read.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or a quoted attribute value: nothing in it can open a tag or leave a quote. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A person's text (a message, a name, a file name): escaped, its bidi controls visible. */
const textHtml = (text: string): string => escapeHtml(showBidiControls(text));

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:2rem auto;max-width:48rem;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1.5rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
code{font-size:.85em;overflow-wrap:anywhere}
ol{list-style:none;margin:0;padding:0}
li{border-top:1px solid #ccc;padding:.5rem 0;break-inside:avoid}
.meta{color:#444;font-size:.85em}
.text{margin:.25rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}
.admin .who{color:#0b4f9c}.system .who{color:#555}
.note{background:#fff8db;padding:.5rem}
.note .who::before{content:"Internal note · "}
footer{border-top:1px solid #ccc;margin-top:1rem;padding-top:.5rem;color:#444;font-size:.85em}
@media print{body{margin:0;max-width:none}a{color:inherit}}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The policy of the page, as the response header and in the page itself. */
export const TRANSCRIPT_HTML_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** An instant as people read it, in UTC (the copy may be read anywhere). */
function timeHtml(iso: string): string {
  const shown = iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(shown)}</time>`;
}

const SENDER_LABELS = { user: 'User', admin: 'Agent', system: 'System' } as const;

export function headHtml(head: TranscriptHead): string {
  const { chat } = head;
  const audit =
    head.auditHash === null
      ? 'none (this chat has no audit entries)'
      : `<code>${escapeHtml(head.auditHash)}</code> (entry ${head.auditChainSeq ?? ''} of the chat's chain, ${head.auditAt === null ? '' : timeHtml(head.auditAt)})`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(TRANSCRIPT_HTML_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Chat transcript ${escapeHtml(chat._id)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    '<header><h1>Chat transcript</h1><dl>',
    `<dt>Chat</dt><dd><code>${escapeHtml(chat._id)}</code></dd>`,
    `<dt>User</dt><dd><bdi>${textHtml(chat.userName)}</bdi> (<code>${textHtml(chat.userId)}</code>)</dd>`,
    `<dt>Status</dt><dd>${escapeHtml(chat.status)}</dd>`,
    `<dt>Opened</dt><dd>${timeHtml(chat.createdAt)}</dd>`,
    `<dt>Copy made</dt><dd>${timeHtml(head.generatedAt)}</dd>`,
    `<dt>Audit hash</dt><dd>${audit}</dd>`,
    `<dt>Internal notes</dt><dd>${head.withNotes ? 'included' : 'not included'}</dd>`,
    '</dl></header><main><ol>',
  ].join('\n');
}

function noteHtml(note: TranscriptNote): string {
  return `<li class="note"><div class="meta">${timeHtml(note.at)} · <span class="who"><bdi>${textHtml(note.sender.name || note.sender.id)}</bdi></span> (after #${note.afterSeq})</div><p class="text" dir="auto">${textHtml(note.content)}</p></li>`;
}

/** One page of the timeline; `publicUrl` (PUBLIC_URL) makes attachment paths links. */
export function itemsHtml(items: readonly TimelineItem[], publicUrl: string | undefined): string {
  let out = '';
  for (const item of items) {
    if (item.kind === 'note') {
      out += `${noteHtml(item.note)}\n`;
      continue;
    }
    const m = item.message;
    const name = m.sender.name || m.sender.id;
    const who = `${SENDER_LABELS[m.sender.type]} · <bdi>${textHtml(name)}</bdi>`;
    let file = '';
    if (m.attachment) {
      const a = m.attachment;
      const label = `${textHtml(a.name)} (${escapeHtml(a.contentType)}, ${a.size} bytes)`;
      const path = escapeHtml(a.path);
      file =
        publicUrl === undefined
          ? `<p class="text">File: <bdi>${label}</bdi> — <code>${path}</code></p>`
          : `<p class="text">File: <a href="${escapeHtml(publicUrl)}${path}"><bdi>${label}</bdi></a></p>`;
    } else if (m.fileUrl !== undefined) {
      file = `<p class="text">Link: <code>${textHtml(m.fileUrl)}</code></p>`;
    }
    const text = m.content === '' ? '' : `<p class="text" dir="auto">${textHtml(m.content)}</p>`;
    out += `<li class="${m.sender.type}"><div class="meta">#${m.seq} · ${timeHtml(m.at)} · <span class="who">${who}</span></div>${text}${file}</li>\n`;
  }
  return out;
}

export function footHtml(messages: number, notes: number, withNotes: boolean): string {
  const counted = withNotes
    ? `${messages} messages, ${notes} internal notes`
    : `${messages} messages`;
  return `</ol></main><footer>${counted}. Compare the audit hash above with the chat's audit log (GET /api/audit?chatId=) to see whether the chat changed since.</footer></body></html>\n`;
}
