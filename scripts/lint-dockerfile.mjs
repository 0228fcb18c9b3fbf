#!/usr/bin/env node
// Lints the Dockerfile. hadolint itself is not installable here (not packaged for Debian
// bookworm, not on npm, and no binaries are downloaded), so this runs every diagnostic of
// dockerfile-utils (the validator behind the VS Code Docker extension: unknown flags, bad
// ports, duplicate CMD, deprecated instructions …), warnings included, and hadolint's rules
// that concern a Dockerfile like ours, under hadolint's codes and honouring its
// `# hadolint ignore=DLxxxx` comment on the line before an instruction (so the file stays
// clean for hadolint where it is installed): DL3002 non-root final user, DL3003 WORKDIR
// rather than cd, DL3004 no sudo, DL3006/DL3007 tagged base images, DL3008 pinned apt
// packages, DL3009 apt lists removed, DL3014 apt-get -y, DL3015 no recommends, DL3016
// pinned npm packages, DL3020 COPY rather than ADD, DL3025 JSON CMD/ENTRYPOINT, DL3027
// apt-get rather than apt, DL3045 WORKDIR before a relative COPY, DL3059 consecutive RUNs,
// DL4006 pipefail before a pipe. And this project's own: dependencies installed before
// the sources are copied (layer cache), no install scripts before the sources are there.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

const file = process.argv[2] ?? 'Dockerfile';
const text = readFileSync(file, 'utf8');
const problems = [];

for (const d of validate(text)) {
  problems.push(`${file}:${d.range.start.line + 1}: ${d.message}`);
}

/**
 * Instructions with their first line number; continuation lines joined, comments dropped,
 * except hadolint's `# hadolint ignore=DL…` right before an instruction, which it carries.
 */
function instructions(source) {
  const out = [];
  let current;
  let ignore = new Set();
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const directive = /^#\s*hadolint\s+ignore=([\w,\s]+)$/.exec(line);
    if (!current && directive) {
      ignore = new Set(directive[1].split(',').map((c) => c.trim()));
      return;
    }
    if (!current && (line === '' || line.startsWith('#'))) return;
    if (current && line.startsWith('#')) return;
    const body = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (current) current.args += ` ${body}`;
    else {
      const [keyword, ...rest] = body.split(/\s+/);
      current = { line: i + 1, keyword: keyword.toUpperCase(), args: rest.join(' '), ignore };
      ignore = new Set();
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
/** A hadolint rule: reported under its code unless the instruction's comment ignores it. */
const rule = (ins, code, message) => {
  if (!ins.ignore?.has(code)) fail(ins, `${code} ${message}`);
};

/** The packages an `apt-get install` or `npm install` names (its words that are not options). */
function installed(args, command) {
  const out = [];
  for (const segment of args.split(/&&|\|\||;|\|/)) {
    const words = segment.trim().split(/\s+/);
    const at = words.findIndex((w, i) => command.test(`${words[i - 1] ?? ''} ${w}`));
    if (at === -1) continue;
    out.push(...words.slice(at + 1).filter((w) => w && !w.startsWith('-')));
  }
  return out;
}

/** Stage names (`FROM … AS name`): a FROM naming one is not a base image to pin. */
const stageNames = new Set(
  all
    .filter((i) => i.keyword === 'FROM')
    .map((i) => /\sas\s+(\S+)/i.exec(i.args)?.[1]?.toLowerCase())
    .filter(Boolean),
);
let workdirSet = false;
let pipefail = false;
all.forEach((ins, index) => {
  if (ins.keyword === 'FROM') {
    workdirSet = false;
    pipefail = false;
    const image = ins.args.split(/\s+/).find((a) => !a.startsWith('--'));
    if (!stageNames.has(image?.toLowerCase())) {
      if (!/[:@]/.test(image ?? ''))
        rule(ins, 'DL3006', `pin the base image to a tag or digest: ${image}`);
      else if (/:latest$/.test(image ?? ''))
        rule(ins, 'DL3007', `pin the base image to a tag or digest, not latest: ${image}`);
    }
  }
  if (ins.keyword === 'WORKDIR') workdirSet = true;
  if (ins.keyword === 'SHELL' && /pipefail/.test(ins.args)) pipefail = true;
  if (ins.keyword === 'ADD' && !/https?:\/\/|\.(tar|tgz|gz|bz2|xz|zst)\b/.test(ins.args)) {
    rule(ins, 'DL3020', 'use COPY instead of ADD for files and folders');
  }
  if ((ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') && !ins.args.trim().startsWith('[')) {
    rule(ins, 'DL3025', `use JSON notation for ${ins.keyword} (signals reach the process itself)`);
  }
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    const dest = words.at(-1) ?? '';
    if (!workdirSet && !dest.startsWith('/') && !dest.startsWith('$')) {
      rule(ins, 'DL3045', `${ins.keyword} to a relative destination before any WORKDIR`);
    }
  }
  if (ins.keyword === 'RUN') {
    const args = ins.args;
    if (/(^|[;&|]\s*)cd\s/.test(args))
      rule(ins, 'DL3003', 'use WORKDIR to switch to a folder, not cd');
    if (/(^|[;&|]\s*)sudo\s/.test(args)) rule(ins, 'DL3004', 'do not use sudo');
    if (/(^|[;&|]\s*)apt\s/.test(args)) rule(ins, 'DL3027', 'use apt-get, not apt');
    if (/[^|]\|[^|]/.test(args) && !pipefail) {
      rule(
        ins,
        'DL4006',
        'set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before a RUN with a pipe',
      );
    }
    if (/apt-get install/.test(args)) {
      if (!/\s(-y|--yes|-qq?y|--assume-yes)\b/.test(args))
        rule(ins, 'DL3014', 'apt-get install without -y');
      if (!args.includes('--no-install-recommends'))
        rule(ins, 'DL3015', 'apt-get install without --no-install-recommends');
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(args))
        rule(ins, 'DL3009', 'apt lists left in the layer');
      const unpinned = installed(args, /apt-get install$/).filter((p) => !p.includes('='));
      if (unpinned.length > 0) {
        rule(
          ins,
          'DL3008',
          `pin the versions of apt packages (or say why not): ${unpinned.join(' ')}`,
        );
      }
    }
    const npmPackages = installed(args, /npm (install|i|add)$/).filter(
      (p) => !/@[^/]*\d|^\.|^\//.test(p.replace(/^@/, '')),
    );
    if (npmPackages.length > 0)
      rule(ins, 'DL3016', `pin the versions of npm packages: ${npmPackages.join(' ')}`);
    const previous = all[index - 1];
    if (previous?.keyword === 'RUN') rule(ins, 'DL3059', 'consecutive RUN instructions: join them');
  }
});

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
  problems.push(`${file}: DL3002 the final stage must run as a non-root USER`);
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${file}: no problems (dockerfile-utils, hadolint's rules, project rules)\n`);
