/**
 * The deployment files: the Dockerfile passes its linter, and the linter is not a no-op;
 * the compose files give a stopping node its drain and close, build one image, run one
 * PostgreSQL, and keep the database password out of URLs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { overrideOf, TUNABLES } from '../../src/tunables.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'chat-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lint = (file: string) =>
  run(process.execPath, ['scripts/lint-dockerfile.mjs', file], { cwd: root }).then(
    () => ({ ok: true, out: '' }),
    (err: { stderr?: string }) => ({ ok: false, out: err.stderr ?? '' }),
  );

describe('Dockerfile', () => {
  it('passes the linter', async () => {
    expect(await lint('Dockerfile')).toEqual({ ok: true, out: '' });
  });

  it('the linter refuses sources copied before dependencies, a root user, unpinned images', async () => {
    const bad = join(work, 'Dockerfile');
    writeFileSync(
      bad,
      [
        'FROM node:latest',
        'WORKDIR /app',
        'RUN apt-get update && apt-get install -y g++',
        'COPY src ./src',
        'COPY package.json package-lock.json ./',
        'RUN npm ci',
        'RUN cd /tmp && ls | wc -l',
        'EXPOSE abc',
        'CMD node dist/main.js',
      ].join('\n'),
    );
    const { ok, out } = await lint(bad);
    expect(ok).toBe(false);
    for (const problem of [
      /pin the base image/,
      /--no-install-recommends/,
      /apt lists/,
      /before copying the sources/,
      /--ignore-scripts/,
      /non-root USER/,
      /Invalid containerPort/,
      // hadolint's rules, under its codes.
      /DL3007 /,
      /DL3008 .*: g\+\+/,
      /DL3003 /,
      /DL4006 /,
      /DL3059 /,
      /DL3025 /,
      /DL3002 /,
    ]) {
      expect(out).toMatch(problem);
    }
  });

  it("the linter honours hadolint's ignore comment on the instruction after it, and only there", async () => {
    const file = join(work, 'Dockerfile.ignore');
    const install =
      'RUN apt-get update && apt-get install -y --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*';
    writeFileSync(
      file,
      [
        'FROM node:26-trixie-slim',
        '# hadolint ignore=DL3008',
        install,
        'USER node',
        install,
        'CMD ["node"]',
      ].join('\n'),
    );
    const { ok, out } = await lint(file);
    expect(ok).toBe(false);
    expect(out.match(/DL3008/g)).toHaveLength(1);
    expect(out).toMatch(/:5: DL3008/);
  });
});

describe('docker-compose.yml', () => {
  it('runs the image with PostgreSQL: health checks, a volume, and the production settings', () => {
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/pg_isready/);
    expect(compose).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/pgdata:\/var\/lib\/postgresql\/data/);
    expect(compose).toMatch(/NODE_ENV: production/);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/chat@postgres:5432\/chat/);
    expect(compose).toMatch(/JWT_SECRET: \$\{JWT_SECRET:\?/);
    expect(compose).toMatch(/CORS_ORIGIN: \$\{CORS_ORIGIN:\?/);
    expect(compose).toMatch(/\/ready/);
  });
});

interface Service {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  stop_grace_period?: string;
  environment?: Record<string, string>;
}

const services = (file: string): Record<string, Service> =>
  (
    parse(readFileSync(join(root, file), 'utf8'), { merge: true }) as {
      services: Record<string, Service>;
    }
  ).services;

/** Compose's duration (`20s`, `1m30s`) in ms. */
function durationMs(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join('')).toBe(value);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.cluster.yml'];
/** The chat nodes of a compose file: the services that run the server's image. */
const nodesOf = (file: string) =>
  Object.entries(services(file)).filter(([, s]) => s.image === 'fastorika-chat');

describe.each(COMPOSE_FILES)('%s', (file) => {
  it('gives every chat node longer to stop than its drain and close take', () => {
    const nodes = nodesOf(file);
    expect(nodes.length).toBeGreaterThan(0);
    for (const [name, node] of nodes) {
      const drainMs =
        node.environment?.SHUTDOWN_DRAIN_MS !== undefined
          ? Number(node.environment.SHUTDOWN_DRAIN_MS)
          : (overrideOf('shutdownDrainMs').production ?? TUNABLES.shutdownDrainMs.value);
      const needed = drainMs + TUNABLES.shutdownDeadlineMs.value;
      expect(node.stop_grace_period, name).toBeDefined();
      expect(durationMs(node.stop_grace_period ?? ''), name).toBeGreaterThan(needed);
    }
  });

  it('puts no password into DATABASE_URL: PGPASSWORD carries it', () => {
    const nodes = nodesOf(file);
    expect(nodes.length).toBeGreaterThan(0);
    for (const [name, node] of nodes) {
      const url = new URL(node.environment?.DATABASE_URL ?? '');
      expect(url.password, name).toBe('');
      expect(node.environment?.PGPASSWORD, name).toMatch(/^\$\{POSTGRES_PASSWORD[:}]/);
    }
  });
});

describe('railway.toml', () => {
  const toml = readFileSync(join(root, 'railway.toml'), 'utf8');
  /** A number `key = n` of the file (TOML integers; Railway refuses strings there). */
  const numberOf = (key: string) =>
    Number(new RegExp(`^${key}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(toml)?.[1]);

  it('builds the Dockerfile and routes by /ready', () => {
    expect(toml).toMatch(/^builder = "DOCKERFILE"$/m);
    expect(toml).toMatch(/^healthcheckPath = "\/ready"$/m);
  });

  it("gives a replaced deployment longer than its drain and close (Railway's default is 3 s)", () => {
    const drainMs = overrideOf('shutdownDrainMs').production ?? TUNABLES.shutdownDrainMs.value;
    expect(numberOf('drainingSeconds') * 1000).toBeGreaterThan(
      drainMs + TUNABLES.shutdownDeadlineMs.value,
    );
  });
});

describe('the compose files together', () => {
  it('run one PostgreSQL version', () => {
    const images = COMPOSE_FILES.map((f) => services(f).postgres?.image);
    expect(images[0]).toMatch(/^postgres:\d+/);
    expect(new Set(images).size).toBe(1);
  });

  it('the cluster builds its image once and every node runs it', () => {
    const nodes = nodesOf('docker-compose.cluster.yml');
    expect(nodes.map(([name]) => name)).toEqual(['node1', 'node2']);
    expect(nodes.filter(([, s]) => s.build !== undefined)).toHaveLength(1);
    // The other never pulls a public image of that name: it waits for the build.
    for (const [, node] of nodes.filter(([, s]) => s.build === undefined)) {
      expect(node.pull_policy).toBe('never');
    }
  });
});
