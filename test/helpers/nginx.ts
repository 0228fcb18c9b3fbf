/**
 * nginx in front of the test nodes, configured by the files operators use: the site
 * (deploy/nginx.conf) with only the nodes' addresses, the listen port and the access log's
 * path replaced, run by the whole configuration beside it (deploy/nginx-standalone.conf)
 * unchanged, in a folder of its own as that file's comment says. Its own process, never
 * the system service.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, freePort, required, spawnChild, waitUntil } from './processes.js';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const TEMPLATE = new URL('../../deploy/nginx.conf', import.meta.url);
const STANDALONE = new URL('../../deploy/nginx-standalone.conf', import.meta.url);

export function nginxInstalled(): boolean {
  return required(
    existsSync(NGINX_BIN),
    `nginx (${NGINX_BIN})`,
    'Install it with `apt-get install -y nginx` (.ci/run does) or set NGINX_BIN.',
  );
}

/** deploy/nginx.conf with these nodes, this port and this access log. */
export function renderNginxConf(
  template: string,
  options: { listenPort: number; nodes: string[]; accessLog: string },
): string {
  const serverLine = /^([ \t]*)server[ \t]+[^\s;{]+([ \t][^;\n]*)?;[ \t]*\n/gm;
  const lines = [...template.matchAll(serverLine)];
  const first = lines[0];
  if (!first || first.index === undefined) throw new Error('deploy/nginx.conf lists no server');
  const indent = first[1] ?? '    ';
  const params = first[2] ?? '';
  const nodes = options.nodes.map((n) => `${indent}server ${n}${params};\n`).join('');
  let placed = false;
  const rendered = template
    .replace(serverLine, () => {
      if (placed) return '';
      placed = true;
      return nodes;
    })
    .replace(/^([ \t]*)listen[ \t]+[^;\n]+;/m, `$1listen 127.0.0.1:${options.listenPort};`)
    .replace(/^([ \t]*)access_log[ \t]+\S+/m, `$1access_log ${options.accessLog}`);
  if (!rendered.includes(`listen 127.0.0.1:${options.listenPort};`)) {
    throw new Error('deploy/nginx.conf has no listen line to fill');
  }
  return rendered;
}

export interface Nginx {
  url: string;
  port: number;
  /** The access log so far (`$remote_addr … $upstream_addr …` per request). */
  accessLog(): string;
  stop(): Promise<void>;
  output(): string;
}

export interface NginxOptions {
  /** Changes the site after it is rendered (a test's deliberate misconfiguration). */
  editSite?: (site: string) => string;
}

export async function startNginx(nodePorts: number[], options: NginxOptions = {}): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-nginx-'));
  // Worker processes run as an unprivileged user when nginx starts as root.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const accessLog = join(dir, 'access.log');
  const site = renderNginxConf(readFileSync(TEMPLATE, 'utf8'), {
    listenPort: port,
    nodes: nodePorts.map((p) => `127.0.0.1:${p}`),
    accessLog,
  });
  writeFileSync(join(dir, 'nginx.conf'), options.editSite ? options.editSite(site) : site);
  writeFileSync(join(dir, 'nginx-standalone.conf'), readFileSync(STANDALONE));
  const child: Child = spawnChild(NGINX_BIN, [
    '-p',
    `${dir}/`,
    '-c',
    'nginx-standalone.conf',
    '-g',
    'daemon off;',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    `nginx answers on ${port}`,
    async () => {
      if (!child.running()) throw new Error(`nginx exited: ${child.output()}`);
      await fetch(`${url}/health`);
      return true;
    },
    10_000,
  ).catch((err: unknown) => {
    throw new Error(`${err}\n${child.output()}\n${readIfExists(join(dir, 'error.log'))}`);
  });
  return {
    url,
    port,
    accessLog: () => readIfExists(accessLog),
    output: () => `${child.output()}\n${readIfExists(join(dir, 'error.log'))}`,
    async stop() {
      await child.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
