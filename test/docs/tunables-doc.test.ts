import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAll } from '../../scripts/docs-tunables.js';
import { loadConfig } from '../../src/config.js';
import { OVERRIDABLE, overrideOf, TUNABLES } from '../../src/tunables.js';

const file = (relative: string): string =>
  readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');

/**
 * The variables loadConfig reads, found by running it over environments that take each of
 * its branches (jwt or not, production or not, a database URL or none) and recording every
 * name it looks up.
 */
function variablesConfigReads(): Set<string> {
  const read = new Set<string>();
  const recording = (values: Record<string, string>) =>
    new Proxy(values, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return Reflect.get(target, name);
      },
    });
  const secret = 'x'.repeat(32);
  const environments: Record<string, string>[] = [
    {},
    { AUTH_MODE: 'jwt', JWT_SECRET: secret },
    { NODE_ENV: 'production', AUTH_MODE: 'none', ALLOW_INSECURE_AUTH: 'true' },
    { DATABASE_URL: 'sqlite::memory:', REDIS_URL: 'redis://127.0.0.1:6379' },
  ];
  for (const env of environments) {
    loadConfig(recording(env));
  }
  return read;
}

describe('the tunables catalogue', () => {
  it.each([...renderAll()])(
    '%s is what `npm run docs:tunables` generates from src/tunables.ts',
    (path, rendered) => {
      expect(readFileSync(path, 'utf8')).toBe(rendered);
    },
  );

  it('every environment variable the config reads is in the README Configuration table and in .env.example', () => {
    const readme = file('README.md');
    const configuration = readme.slice(readme.indexOf('## Configuration'));
    const table = configuration
      .slice(0, configuration.indexOf('\n## ', 1))
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const example = file('.env.example');
    const variables = variablesConfigReads();
    // Every override is read, whatever the branch.
    for (const name of OVERRIDABLE) expect(variables).toContain(overrideOf(name).env);
    for (const variable of variables) {
      expect(
        table.some((row) => row.includes(`\`${variable}\``)),
        variable,
      ).toBe(true);
      expect(example, variable).toMatch(new RegExp(`^# ${variable}=`, 'm'));
    }
  });

  it('an override replaces its default, and a value it does not accept names the variable', () => {
    for (const name of OVERRIDABLE) {
      const { env, accepts } = overrideOf(name);
      const valid = accepts.kind === 'positive' ? 7 : accepts.max;
      expect(loadConfig({ [env]: String(valid) }).tunables[name]).toBe(valid);
      const invalid = accepts.kind === 'positive' ? '0' : String(accepts.max + 1);
      expect(() => loadConfig({ [env]: invalid })).toThrow(env);
      expect(loadConfig({}).tunables[name]).toBe(TUNABLES[name].value);
    }
  });
});
