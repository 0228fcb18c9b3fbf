/**
 * Every relative link in README.md and docs/*.md points at a file inside this repository
 * (no `../shared/…` or other sibling checkouts), and every #anchor at a heading that exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { itemAt } from '../helpers/lists.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown links outside code blocks and code spans: [text](target). */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => itemAt(m, 1));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = itemAt(m, 1)
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    out.add(slug);
  }
  return out;
}

describe('documentation links', () => {
  it.each(documents)('%s: every relative link resolves inside the repository', (doc) => {
    const file = join(root, doc);
    const problems: string[] = [];
    for (const link of links(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      const [path = '', anchor] = link.split('#');
      const target =
        path === '' ? file : resolve(path.startsWith('/') ? root : dirname(file), `.${sep}${path}`);
      if (relative(root, target).startsWith('..')) {
        problems.push(`${link}: leaves the repository`);
        continue;
      }
      if (!existsSync(target)) {
        problems.push(`${link}: no such file`);
        continue;
      }
      if (anchor && statSync(target).isFile() && target.endsWith('.md')) {
        if (!anchors(readFileSync(target, 'utf8')).has(anchor)) {
          problems.push(`${link}: no heading #${anchor}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the checker sees links, and would catch one that leaves the repository', () => {
    expect(links('See [the contract](../shared/PROTOCOL.md) and `[code](x)`.')).toEqual([
      '../shared/PROTOCOL.md',
    ]);
    expect(relative(root, resolve(root, '../shared/PROTOCOL.md')).startsWith('..')).toBe(true);
    expect(anchors('## Reconnection and catch-up\n### Tokens (`AUTH_MODE=jwt`)')).toEqual(
      new Set(['reconnection-and-catch-up', 'tokens-auth_modejwt']),
    );
  });
});
