/** The deployment files: the Dockerfile passes its linter, and the linter is not a no-op. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

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
        'EXPOSE abc',
        'CMD ["node", "dist/main.js"]',
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
    ]) {
      expect(out).toMatch(problem);
    }
  });
});

describe('docker-compose.yml', () => {
  it('runs the image with PostgreSQL: health checks, a volume, and the production settings', () => {
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/pg_isready/);
    expect(compose).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/pgdata:\/var\/lib\/postgresql\/data/);
    expect(compose).toMatch(/NODE_ENV: production/);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/chat:/);
    expect(compose).toMatch(/JWT_SECRET: \$\{JWT_SECRET:\?/);
    expect(compose).toMatch(/CORS_ORIGIN: \$\{CORS_ORIGIN:\?/);
    expect(compose).toMatch(/\/ready/);
  });
});
