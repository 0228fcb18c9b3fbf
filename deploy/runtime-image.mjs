#!/usr/bin/env node
// What the production image runs, assembled from a built checkout (`npm run build`) into
// one folder (the Dockerfile's last stage copies it whole):
//
// - dist/'s bundles (main.js, import-v2.js, audit-verify.js, and the worker threads they
//   start: sqlite-writer.js, sqlite-blobs.js, import-map-worker.js), the chunks they import
//   (the build splits out what they share and what they load only on demand), and the
//   console and widget (dist/web), without source maps or type declarations;
// - package.json (the server reads its version; `"type": "module"` makes the bundles ES
//   modules);
// - node_modules with only the packages the bundles load at run time, and what those
//   load in turn. Which ones is read from the bundles themselves: the bare specifiers
//   esbuild left outside them (scripts/build.mjs's `external`), so the list cannot drift
//   from the build. A specifier that is not installed is an optional one the code guards
//   (pg's pg-native, ws's utf-8-validate) and is left out, as it is today.
//
// Usage: node deploy/runtime-image.mjs <out-folder> [<checkout>, default: this repository]
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLES = [
  'dist/main.js',
  'dist/import-v2.js',
  'dist/audit-verify.js',
  // Loaded by path from beside the bundles that start them (new Worker), not imported.
  'dist/sqlite-writer.js',
  'dist/sqlite-blobs.js',
  'dist/import-map-worker.js',
];

/** Dependencies a package needs only to install itself (better-sqlite3's prebuilt-binary fetcher). */
const INSTALL_ONLY = new Map([['better-sqlite3', new Set(['prebuild-install'])]]);

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined. */
export function packageOf(specifier) {
  if (builtins.has(specifier) || specifier.startsWith('node:')) return undefined;
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The packages a bundle loads at run time: its top-level `import … from "x"` statements
 * (ES modules esbuild kept external), `__require("x")` (CommonJS code requiring an
 * external, through esbuild's helper) and `import("x")`. Strings inside the bundled code
 * that merely look like imports (ajv's generated code, doc comments) match none of these.
 */
export function externalsOf(bundle) {
  const patterns = [
    /^import\s[^;]*?\bfrom\s*"([^"]+)";?\s*$/gm,
    /^import\s*"([^"]+)";?\s*$/gm,
    /\b__require\("([^"]+)"\)/g,
    /(?<![\w$.'"])import\("([^"]+)"\)/g,
  ];
  const found = new Set();
  for (const pattern of patterns) {
    for (const [, specifier] of bundle.matchAll(pattern)) {
      const name = packageOf(specifier);
      if (name) found.add(name);
    }
  }
  return [...found].sort();
}

/** The chunks a bundle imports, statically or on demand (`./name.js` beside it). */
export function chunksOf(bundle) {
  const patterns = [/\bfrom\s*"\.\/([^"/]+\.js)"/g, /^import\s*"\.\/([^"/]+\.js)";?\s*$/gm];
  patterns.push(/(?<![\w$.'"])import\("\.\/([^"/]+\.js)"\)/g);
  const found = new Set();
  for (const pattern of patterns) {
    for (const [, file] of bundle.matchAll(pattern)) found.add(file);
  }
  return [...found].sort();
}

/** The bundles and every chunk they reach, as paths under the checkout. */
export function distFiles(root) {
  const files = new Set(BUNDLES);
  const queue = [...BUNDLES];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const chunk of chunksOf(readFileSync(join(root, file), 'utf8'))) {
      const path = `dist/${chunk}`;
      if (!files.has(path)) {
        files.add(path);
        queue.push(path);
      }
    }
  }
  return [...files];
}

/** Where Node finds package `name` from folder `from`: the nearest node_modules up to `root`. */
function resolvePackage(name, from, root) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * Every package folder the entry packages need at run time, each with why: its
 * dependencies, optional dependencies that are installed and peer dependencies that are
 * installed, found as Node would from the package's own folder.
 */
export function runtimeClosure(entries, root) {
  const dirs = new Map();
  const queue = [];
  for (const name of entries) {
    const dir = resolvePackage(name, root, root);
    if (dir) queue.push(dir);
  }
  while (queue.length > 0) {
    const dir = queue.shift();
    if (dirs.has(dir)) continue;
    const manifest = readJson(join(dir, 'package.json'));
    dirs.set(dir, manifest.name);
    const skip = INSTALL_ONLY.get(manifest.name) ?? new Set();
    const needed = Object.keys(manifest.dependencies ?? {});
    const ifThere = [
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of [...needed, ...ifThere]) {
      if (skip.has(name)) continue;
      const found = resolvePackage(name, dir, root);
      if (found) queue.push(found);
      else if (needed.includes(name) && !ifThere.includes(name)) {
        throw new Error(`${manifest.name} needs ${name}, which is not installed`);
      }
    }
  }
  return dirs;
}

/** Files never needed to run: source maps and type declarations. */
const notNeeded = (path) => /\.map$|\.d\.[cm]?ts$/.test(path);

/**
 * A package's files, without its own node_modules (needed ones are copied on their own)
 * and, for a native addon (binding.gyp), without its C/C++ sources and build leftovers:
 * only the compiled `build/Release/*.node` of its build folder.
 */
function packageFilter(dir) {
  const native = existsSync(join(dir, 'binding.gyp'));
  return (path) => {
    const inside = relative(dir, path);
    if (inside === '') return true;
    const [first, second, third] = inside.split(sep);
    if (first === 'node_modules' || notNeeded(inside)) return false;
    if (!native) return true;
    if (first === 'deps' || first === 'src' || first === 'binding.gyp') return false;
    if (first !== 'build' || second === undefined) return true;
    if (second !== 'Release') return false;
    return third === undefined || (inside.split(sep).length === 3 && third.endsWith('.node'));
  };
}

export function assemble(out, root) {
  for (const bundle of BUNDLES) {
    if (!existsSync(join(root, bundle)))
      throw new Error(`${bundle} is missing: run npm run build first`);
  }
  const files = distFiles(root);
  const entries = [
    ...new Set(files.flatMap((f) => externalsOf(readFileSync(join(root, f), 'utf8')))),
  ].sort();
  const installed = entries.filter((name) => resolvePackage(name, root, root));
  const closure = runtimeClosure(installed, root);

  mkdirSync(join(out, 'dist'), { recursive: true });
  for (const file of files) cpSync(join(root, file), join(out, file));
  cpSync(join(root, 'dist/web'), join(out, 'dist/web'), {
    recursive: true,
    filter: (path) => !notNeeded(path),
  });
  const manifest = readJson(join(root, 'package.json'));
  const { name, version, description, type, license, engines } = manifest;
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify({ name, version, description, type, private: true, license, engines }, null, 2)}\n`,
  );
  for (const dir of closure.keys()) {
    cpSync(dir, join(out, relative(root, dir)), { recursive: true, filter: packageFilter(dir) });
  }
  return { entries, installed, packages: [...closure.values()].sort() };
}

/** Bytes under a folder. */
export function sizeOf(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outArg, rootArg] = process.argv.slice(2);
  if (!outArg) {
    process.stderr.write('usage: node deploy/runtime-image.mjs <out-folder> [<checkout>]\n');
    process.exit(2);
  }
  const root = resolve(rootArg ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const out = resolve(outArg);
  const { entries, installed, packages } = assemble(out, root);
  const left = entries.filter((e) => !installed.includes(e));
  process.stdout.write(
    `runtime: ${out} (${(sizeOf(out) / 2 ** 20).toFixed(1)} MiB)\n` +
      `  loaded by the bundles: ${installed.join(', ')}` +
      `${left.length > 0 ? `; optional, not installed: ${left.join(', ')}` : ''}\n` +
      `  packages copied (${packages.length}): ${packages.join(', ')}\n`,
  );
}
