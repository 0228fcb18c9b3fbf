#!/usr/bin/env node
// Lints the Dockerfile (hadolint is not packaged for Debian bookworm; no binaries are
// downloaded here): every diagnostic of dockerfile-utils (the validator behind the VS Code
// Docker extension: unknown flags, bad ports, duplicate CMD, deprecated instructions …),
// warnings included, plus this project's rules: dependencies installed before sources
// are copied (layer cache), no install scripts before the sources are there, pinned base
// images, apt without recommends and with its lists removed, a non-root final stage.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

const file = process.argv[2] ?? 'Dockerfile';
const text = readFileSync(file, 'utf8');
const problems = [];

for (const d of validate(text)) {
  problems.push(`${file}:${d.range.start.line + 1}: ${d.message}`);
}

/** Instructions with their first line number; continuation lines joined, comments dropped. */
function instructions(source) {
  const out = [];
  let current;
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) return;
    if (current && line.startsWith('#')) return;
    const body = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (current) current.args += ` ${body}`;
    else {
      const [keyword, ...rest] = body.split(/\s+/);
      current = { line: i + 1, keyword: keyword.toUpperCase(), args: rest.join(' ') };
    }
    if (!line.endsWith('\\')) {
      out.push(current);
      current = undefined;
    }
  });
  return out;
}

const all = instructions(text);
const stages = [];
for (const ins of all) {
  if (ins.keyword === 'FROM') stages.push([]);
  stages.at(-1)?.push(ins);
}
const fail = (ins, message) => problems.push(`${file}:${ins.line}: ${message}`);

for (const ins of all) {
  if (ins.keyword === 'FROM') {
    const image = ins.args.split(/\s+/).find((a) => !a.startsWith('--'));
    if (!/[:@]/.test(image ?? '') || /:latest$/.test(image ?? '')) {
      fail(ins, `pin the base image to a tag or digest: ${image}`);
    }
  }
  if (ins.keyword === 'RUN' && /apt-get install/.test(ins.args)) {
    if (!ins.args.includes('--no-install-recommends'))
      fail(ins, 'apt-get install without --no-install-recommends');
    if (!/rm -rf \/var\/lib\/apt\/lists/.test(ins.args)) fail(ins, 'apt lists left in the layer');
  }
}

for (const stage of stages) {
  const firstSourceCopy = stage.findIndex((i) => i.keyword === 'COPY' && /\bsrc\b/.test(i.args));
  const install = stage.findIndex(
    (i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args),
  );
  if (firstSourceCopy === -1 || install === -1) continue;
  const ins = stage[install];
  if (install > firstSourceCopy) {
    fail(
      ins,
      'install dependencies before copying the sources, so the layer cache survives code changes',
    );
  }
  if (!/--ignore-scripts/.test(ins.args)) {
    fail(
      ins,
      'npm ci before the sources are copied must use --ignore-scripts (prepare builds them)',
    );
  }
  const manifests = stage.findIndex(
    (i) => i.keyword === 'COPY' && /package(\*|-lock)?\.json/.test(i.args),
  );
  if (manifests === -1 || manifests > install)
    fail(ins, 'copy package.json and package-lock.json before npm ci');
}

const last = stages.at(-1) ?? [];
const user = last.filter((i) => i.keyword === 'USER').at(-1);
if (!user || /^(root|0)(:|$)/.test(user.args)) {
  problems.push(`${file}: the final stage must run as a non-root USER`);
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${file}: no problems (dockerfile-utils + project rules)\n`);
