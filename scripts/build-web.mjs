#!/usr/bin/env node
// Builds the agent console and the chat widget into dist/web (see docs/console-and-widget.md):
// content-hashed bundles and stylesheets in dist/web/assets (with .gz and .br
// copies for @fastify/static's preCompressed), the console page, the /widget.js loader,
// the widget demo page, and manifest.json with the gzipped sizes.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'web');

/**
 * Socket.io's client builds its connection with engine.io-client's map of every transport
 * it has, WebTransport included, so a bundle carried WebTransport and the stream codecs of
 * engine.io-parser it needs (889 bytes of the widget gzipped), though the pages only ever
 * name polling and websocket (web/shared/client.ts's Transport) and the server offers only
 * those (Socket.io's default; WebTransport would need an HTTP/3 server). The map is loaded
 * as those two. Should engine.io-client's map change, or a bundle take engine.io-client
 * without passing through the map this looks for (a new layout, another of its builds),
 * the build stops here to be looked at.
 */
export const pollingAndWebSocketOnly = {
  name: 'polling-and-websocket-only',
  setup(b) {
    let bundled = false;
    let replaced = false;
    b.onStart(() => {
      bundled = false;
      replaced = false;
    });
    b.onLoad(
      { filter: /[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/ },
      async (args) => {
        replaced = true;
        const map = await readFile(args.path, 'utf8');
        const names = [...map.matchAll(/^\s+(\w+): \w+,$/gm)].map((m) => m[1]).join();
        if (names !== 'websocket,webtransport,polling') {
          throw new Error(
            `build-web: engine.io-client's transports are now ${names}: ${args.path}`,
          );
        }
        return {
          contents: [
            "import { XHR } from './polling-xhr.js';",
            "import { WS } from './websocket.js';",
            'export const transports = { websocket: WS, polling: XHR };',
          ].join('\n'),
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      },
    );
    // Every other file of engine.io-client: noted, then loaded as it is.
    b.onLoad({ filter: /[\\/]engine\.io-client[\\/]/ }, () => {
      bundled = true;
      return undefined;
    });
    b.onEnd(() => {
      if (bundled && !replaced) {
        return {
          errors: [
            {
              text: "build-web: engine.io-client is bundled but not its transport map build/esm/transports/index.js, so WebTransport would come back: look at engine.io-client's layout",
            },
          ],
        };
      }
    });
  },
};

/**
 * The browsers the pages run in. No ES edition beside them: `es2020` made esbuild rewrite
 * class fields (ES2022, which all three have) into helper calls, 103 bytes of the widget.
 */
const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['chrome90', 'firefox90', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [pollingAndWebSocketOnly],
  metafile: true,
  absWorkingDir: root,
};

/**
 * The widget's stylesheets are imported as text (they go into its Shadow DOM): minified
 * here, since the text loader keeps their comments and the widget has a size budget.
 */
const minifiedCssText = {
  name: 'minified-css-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await readFile(args.path, 'utf8');
      const { code } = await transform(css, { loader: 'css', minify: true, target: common.target });
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

/** The output file of one entry point, relative to `dir`. */
function outputOf(result, dir, entry, ext) {
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint === entry && file.endsWith(ext)) return file.slice(dir.length + 1);
  }
  throw new Error(`build-web: no ${ext} output for ${entry}`);
}

/**
 * The console's chunks: `initial`, those its entry imports statically (loaded with it,
 * preloaded by the page), and `lazy`, those only a dynamic import() reaches.
 */
function consoleChunks(result, dir, entry) {
  const outputs = result.metafile.outputs;
  const name = (file) => file.slice(dir.length + 1);
  const initial = new Set();
  const visit = (file) => {
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !initial.has(imp.path)) {
        initial.add(imp.path);
        visit(imp.path);
      }
    }
  };
  visit(join(dir, entry));
  const all = Object.keys(outputs).filter(
    (f) => f.endsWith('.js') && name(f).startsWith('console-chunk-'),
  );
  return {
    initial: all.filter((f) => initial.has(f)).map(name),
    lazy: all.filter((f) => !initial.has(f)).map(name),
  };
}

export async function buildWeb() {
  const tmp = `${out}.tmp-${process.pid}`;
  const assets = join(tmp, 'assets');
  const rel = (p) => p.slice(root.length).replace(/^\/+/, '');
  await rm(tmp, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });

  // Split: what only the Reports page uses (the page and uPlot) is a chunk the console
  // imports when an admin opens it; the code both share is a chunk of its own.
  const consoleBuild = await build({
    ...common,
    entryPoints: ['web/console/main.tsx', 'web/console/styles.css'],
    loader: {},
    format: 'esm',
    splitting: true,
    outdir: rel(assets),
    entryNames: 'console-[hash]',
    chunkNames: 'console-chunk-[hash]',
  });
  const consoleJs = outputOf(consoleBuild, rel(assets), 'web/console/main.tsx', '.js');
  const consoleCss = outputOf(consoleBuild, rel(assets), 'web/console/styles.css', '.css');
  const chunks = consoleChunks(consoleBuild, rel(assets), consoleJs);

  const widgetBuild = await build({
    ...common,
    entryPoints: ['web/widget/main.ts'],
    plugins: [pollingAndWebSocketOnly, minifiedCssText],
    format: 'iife',
    outdir: rel(assets),
    entryNames: 'widget-[hash]',
  });
  const widgetJs = outputOf(widgetBuild, rel(assets), 'web/widget/main.ts', '.js');

  await build({
    ...common,
    metafile: false,
    sourcemap: false,
    entryPoints: ['web/widget/loader.ts'],
    format: 'iife',
    outfile: rel(join(tmp, 'widget.js')),
    define: { WIDGET_BUNDLE: JSON.stringify(`assets/${widgetJs}`) },
  });

  const page = await readFile(join(root, 'web/console/index.html'), 'utf8');
  const preloads = chunks.initial
    .map((c) => `<link rel="modulepreload" href="/assets/${c}" />`)
    .join('\n    ');
  await writeFile(
    join(tmp, 'console.html'),
    page
      .replace('%CONSOLE_JS%', consoleJs)
      .replace('%CONSOLE_CSS%', consoleCss)
      .replace('%CONSOLE_PRELOADS%', preloads),
  );
  await writeFile(
    join(tmp, 'widget-demo.html'),
    await readFile(join(root, 'web/widget/demo.html'), 'utf8'),
  );

  const gzipped = {};
  for (const name of [consoleJs, consoleCss, ...chunks.initial, ...chunks.lazy, widgetJs]) {
    const body = await readFile(join(assets, name));
    const gz = gzipSync(body, { level: 9 });
    gzipped[name] = gz.length;
    await writeFile(join(assets, `${name}.gz`), gz);
    await writeFile(
      join(assets, `${name}.br`),
      brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
  const loaderGzip = gzipSync(await readFile(join(tmp, 'widget.js')), { level: 9 }).length;
  const sum = (names) => names.reduce((total, n) => total + gzipped[n], 0);
  const manifest = {
    console: { js: consoleJs, css: consoleCss, chunks: chunks.initial, lazyChunks: chunks.lazy },
    widget: { js: widgetJs },
    gzipBytes: {
      // What the console loads on opening; the Reports page's chunks on top when opened.
      console: gzipped[consoleJs] + gzipped[consoleCss] + sum(chunks.initial),
      consoleLazy: sum(chunks.lazy),
      widget: gzipped[widgetJs] + loaderGzip,
    },
  };
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  // Swap the finished folder in, so a running server never sees half a build.
  const old = `${out}.old-${process.pid}`;
  await rename(out, old).catch(() => {});
  await rename(tmp, out);
  await rm(old, { recursive: true, force: true });
  return manifest;
}

if (process.argv[1] && basename(process.argv[1]) === 'build-web.mjs') {
  const manifest = await buildWeb();
  console.log(
    `build-web: console ${(manifest.gzipBytes.console / 1024).toFixed(1)} KB (+ ${(manifest.gzipBytes.consoleLazy / 1024).toFixed(1)} KB on opening Reports), widget ${(manifest.gzipBytes.widget / 1024).toFixed(1)} KB (gzipped)`,
  );
}
