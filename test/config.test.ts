import { describe, expect, it } from 'vitest';
import { trustRule } from '../src/client-address.js';
import { ConfigError, loadConfig } from '../src/config.js';

const failure = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('defaults to port 3001, the embedded SQLite file, no auth and open CORS outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3001,
      host: '127.0.0.1',
      database: { kind: 'sqlite', path: './data/chat.db' },
      redisUrl: undefined,
      corsOrigin: '*',
      consoleParentOrigins: [],
      auth: { mode: 'none' },
      logLevel: 'info',
      rateLimit: { enabled: true, messagesPerSecond: 10, messagesBurst: 30 },
    });
  });

  it('binds to loopback with AUTH_MODE=none unless HOST is set, and to every interface with jwt', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ AUTH_MODE: 'none' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const jwt = { AUTH_MODE: 'jwt', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(jwt).host).toBe('0.0.0.0');
    expect(loadConfig({ ...jwt, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    const insecureProduction = {
      NODE_ENV: 'production',
      AUTH_MODE: 'none',
      ALLOW_INSECURE_AUTH: 'true',
    };
    expect(loadConfig(insecureProduction).host).toBe('127.0.0.1');
  });

  it('takes LOG_FORMAT pretty or json, and leaves the choice to the terminal when unset', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(failure({ LOG_FORMAT: 'yaml' }).variable).toBe('LOG_FORMAT');
  });

  it('selects the store from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/db' }).database.kind).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toEqual({
      kind: 'sqlite',
      path: ':memory:',
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      kind: 'sqlite',
      path: '/tmp/x.db',
    });
  });

  it('parses CORS_ORIGIN as exact origins', () => {
    expect(loadConfig({ CORS_ORIGIN: 'https://a.example, https://b.example' }).corsOrigin).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('parses CONSOLE_PARENT_ORIGINS as exact origins of its own, none by default', () => {
    const cors = { CORS_ORIGIN: 'https://app.example,https://admin.example' };
    expect(loadConfig(cors).consoleParentOrigins).toEqual([]);
    expect(
      loadConfig({ ...cors, CONSOLE_PARENT_ORIGINS: 'https://admin.example' }).consoleParentOrigins,
    ).toEqual(['https://admin.example']);
  });

  it('takes PUBLIC_URL as an http(s) base without a trailing slash, unset by default', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.com/' }).publicUrl).toBe(
      'https://chat.example.com',
    );
    expect(loadConfig({ PUBLIC_URL: 'http://10.0.0.5:3001/support/chat/' }).publicUrl).toBe(
      'http://10.0.0.5:3001/support/chat',
    );
  });

  it.each<[string, RegExp]>([
    ['chat.example.com', /not a valid URL/],
    ['ftp://chat.example.com', /must start with http:\/\/ or https:\/\//],
    ['https://chat.example.com/?x=1', /must not have a query string/],
    ['https://chat.example.com/?', /must not have a query string/],
    ['https://chat.example.com/#top', /must not have a fragment/],
    ['https://me:secret@chat.example.com', /must not carry a user name or password/],
  ])('refuses PUBLIC_URL=%s with a message that says why', (value, why) => {
    const err = failure({ PUBLIC_URL: value });
    expect(err.variable).toBe('PUBLIC_URL');
    expect(err.message).toMatch(why);
  });

  it('refuses a WEBHOOK_URLS entry with a user name or password, which fetch cannot send to, without repeating it', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const err = failure({
      WEBHOOK_URLS: 'https://hooks.example.com/a, https://me:s3cret@hooks.example.com/b',
      WEBHOOK_SECRET: secret,
    });
    expect(err.variable).toBe('WEBHOOK_URLS');
    expect(err.message).toMatch(/must not carry a user name or password/);
    expect(err.message).not.toContain('s3cret');
    expect(
      loadConfig({ WEBHOOK_URLS: 'https://hooks.example.com/b?token=x', WEBHOOK_SECRET: secret })
        .webhooks?.urls,
    ).toEqual(['https://hooks.example.com/b?token=x']);
  });

  it.each([
    'postgres://chat:sEcr#t@db.example:5432/chat',
    'postgres://chat:sEcr/t@db.example:5432/chat',
    'postgresql://chat:sEcr?t@db.example:5432/chat',
    // Digits before the cut parse as a port, the user as the host.
    'postgres://chat:2024#sEcret@db.example:5432/chat',
    'postgres://chat:2024/sEcret@db.example:5432/chat',
    'postgres://chat:2024?sEcret@db.example:5432/chat',
    // An @ before the cut: the password's rest became the host (getaddrinfo ENOTFOUND).
    'postgres://chat:p@sEcr/t@db.example:5432/chat',
    'postgres://chat:p@sEcr#t@db.example:5432/chat',
    'postgres://chat:p@sEcr?t@db.example:5432/chat',
  ])('refuses DATABASE_URL=%s saying how to write the password, without echoing it', (url) => {
    const err = failure({ DATABASE_URL: url });
    expect(err.variable).toBe('DATABASE_URL');
    expect(err.message).toContain('percent-encoded');
    expect(err.message).toContain('PGPASSWORD');
    expect(err.message).not.toContain('sEcr');
  });

  it.each([
    'postgres://db.example:5432/chat?user=chat&password=p@ss',
    'postgresql://db.example/chat?user=chat@tenant',
  ])('takes DATABASE_URL=%s: an @ in a query value is that value, as pg reads it', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
  });

  it.each<[Record<string, string>, string]>([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://' }, 'DATABASE_URL'],
    [{ AUTH_MODE: 'sometimes' }, 'AUTH_MODE'],
    [{ AUTH_MODE: 'jwt' }, 'JWT_SECRET'],
    [{ AUTH_MODE: 'jwt', JWT_JWKS_URL: 'not a url' }, 'JWT_JWKS_URL'],
    [{ NODE_ENV: 'production', AUTH_MODE: 'none' }, 'AUTH_MODE'],
    [{ CORS_ORIGIN: 'https://a.example/path' }, 'CORS_ORIGIN'],
    [{ CONSOLE_PARENT_ORIGINS: '*' }, 'CONSOLE_PARENT_ORIGINS'],
    [{ CONSOLE_PARENT_ORIGINS: 'https://admin.example/panel' }, 'CONSOLE_PARENT_ORIGINS'],
    [{ REDIS_URL: 'http://h' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT: 'maybe' }, 'RATE_LIMIT'],
    [{ RATE_LIMIT_MESSAGES_BURST: '-1' }, 'RATE_LIMIT_MESSAGES_BURST'],
    [{ MONGODB_URI: 'mongodb+srv://x' }, 'MONGODB_URI'],
  ])('refuses %o naming %s', (env, variable) => {
    const err = failure(env);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}:`)).toBe(true);
  });

  it('production allows AUTH_MODE=none only with ALLOW_INSECURE_AUTH=true', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none', ALLOW_INSECURE_AUTH: 'true' }).auth
        .mode,
    ).toBe('none');
    expect(failure({ NODE_ENV: 'production' }).variable).toBe('JWT_SECRET');
  });

  it("says that jwt is production's default when NODE_ENV=production alone asks for a secret", () => {
    expect(failure({ NODE_ENV: 'production' }).message).toBe(
      'JWT_SECRET: AUTH_MODE=jwt (the default with NODE_ENV=production) needs JWT_SECRET or JWT_JWKS_URL',
    );
    expect(failure({ NODE_ENV: 'production', AUTH_MODE: 'jwt' }).message).toBe(
      'JWT_SECRET: AUTH_MODE=jwt needs JWT_SECRET or JWT_JWKS_URL',
    );
  });

  it.each([
    'postgres://chat:p@sEcret@db.example:5432/chat',
    'postgres://chat:p%2FsEcret@db.example:5432/chat',
    'postgres://chat@db.example:5432/chat?application_name=desk@eu',
    'postgres://chat@db.example:5432/ch%40t',
    'postgres://chat:sEcret@db.example:5432/sales@eu',
  ])(
    "takes DATABASE_URL=%s, whose @ are the authority's own, encoded, or a database name's",
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    },
  );

  it('MONGODB_URI is ignored when DATABASE_URL is set', () => {
    expect(
      loadConfig({ MONGODB_URI: 'mongodb://x', DATABASE_URL: 'sqlite::memory:' }).database.kind,
    ).toBe('sqlite');
  });
});

describe('operations configuration', () => {
  it('metrics are off by default; drain is 5 s in production and 0 elsewhere', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, token: undefined });
    expect(loadConfig({}).shutdownDrainMs).toBe(0);
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).shutdownDrainMs).toBe(5000);
    expect(loadConfig({ ...production, SHUTDOWN_DRAIN_MS: '0' }).shutdownDrainMs).toBe(0);
    expect(
      loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'a-long-enough-token' }).metrics,
    ).toEqual({ port: 9464, token: 'a-long-enough-token' });
  });

  it('refuses METRICS_PORT on the main port, saying what to do instead', () => {
    const envs: Record<string, string>[] = [
      { METRICS_PORT: '3001' },
      { PORT: '8080', METRICS_PORT: '8080' },
    ];
    for (const env of envs) {
      const err = failure(env);
      expect(err.variable).toBe('METRICS_PORT');
      expect(err.message).toContain('is the main port');
      expect(err.message).toContain('METRICS_TOKEN');
    }
    // Two ports the system chooses are two ports.
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metrics.port).toBe(0);
  });

  it('Redis commands wait 500 ms for an answer unless REDIS_COMMAND_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig({}).redisCommandTimeoutMs).toBe(500);
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '250' }).redisCommandTimeoutMs).toBe(250);
  });

  it.each<[Record<string, string>, string]>([
    [{ REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ REDIS_COMMAND_TIMEOUT_MS: '1.5' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ REDIS_COMMAND_TIMEOUT_MS: '2m' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ SHUTDOWN_DRAIN_MS: '-1' }, 'SHUTDOWN_DRAIN_MS'],
    [{ SHUTDOWN_DRAIN_MS: '5s' }, 'SHUTDOWN_DRAIN_MS'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(failure(env).variable).toBe(variable);
  });
});

describe('REDIS_PREFIX', () => {
  it('is none by default (the names earlier versions used), else taken as given', () => {
    expect(loadConfig({}).redisPrefix).toBeUndefined();
    expect(loadConfig({ REDIS_PREFIX: 'prod' }).redisPrefix).toBe('prod');
    expect(loadConfig({ REDIS_PREFIX: 'eu:staging-2' }).redisPrefix).toBe('eu:staging-2');
  });

  it.each(['prod:', ':prod', 'a::b', 'has space', 'star*', 'x'.repeat(65)])(
    'refuses %j naming REDIS_PREFIX',
    (prefix) => {
      expect(failure({ REDIS_PREFIX: prefix }).variable).toBe('REDIS_PREFIX');
    },
  );
});

describe('BUSINESS_HOURS and BUSINESS_TIMEZONE', () => {
  it('are unset by default: the desk is always open', () => {
    expect(loadConfig({}).businessHours).toBeUndefined();
    expect(loadConfig({ BUSINESS_TIMEZONE: 'Asia/Tashkent' }).businessHours).toBeUndefined();
  });

  it('read the weekly hours in the zone given', () => {
    const hours = loadConfig({
      BUSINESS_HOURS: 'Mon-Fri 09:00-18:00; Sat 10:00-14:00',
      BUSINESS_TIMEZONE: 'Asia/Tashkent',
    }).businessHours;
    expect(hours?.timeZone).toBe('Asia/Tashkent');
    expect(hours?.schedule.days[6]).toEqual([{ start: 600, end: 840 }]);
  });

  it('stop the start with one line naming the variable when malformed', () => {
    const zone = { BUSINESS_TIMEZONE: 'Asia/Tashkent' };
    expect(failure({ ...zone, BUSINESS_HOURS: 'Mon-Fri 9-18' })).toMatchObject({
      variable: 'BUSINESS_HOURS',
      message: 'BUSINESS_HOURS: "9" is not a time of day as HH:MM (00:00-24:00)',
    });
    expect(failure({ ...zone, BUSINESS_HOURS: 'Weekdays 09:00-18:00' }).variable).toBe(
      'BUSINESS_HOURS',
    );
    expect(failure({ BUSINESS_HOURS: 'Mon 09:00-18:00' })).toMatchObject({
      variable: 'BUSINESS_TIMEZONE',
      message: expect.stringContaining('must be set with BUSINESS_HOURS'),
    });
    expect(
      failure({ BUSINESS_HOURS: 'Mon 09:00-18:00', BUSINESS_TIMEZONE: 'Tashkent' }).message,
    ).toBe('BUSINESS_TIMEZONE: "Tashkent" is not an IANA time zone (such as Asia/Tashkent)');
  });
});

describe('routing configuration', () => {
  it('is manual with no reply timeout by default; auto and a timeout in seconds when asked', () => {
    expect(loadConfig({}).routing).toEqual({ mode: 'manual', replyTimeoutMs: undefined });
    expect(loadConfig({ ROUTING: 'auto' }).routing).toEqual({
      mode: 'auto',
      replyTimeoutMs: undefined,
    });
    expect(loadConfig({ ROUTING: 'auto', ROUTING_REPLY_TIMEOUT: '120' }).routing).toEqual({
      mode: 'auto',
      replyTimeoutMs: 120_000,
    });
    expect(loadConfig({}).tunables.routingSweepMs).toBe(2000);
  });

  it.each<[Record<string, string>, string]>([
    [{ ROUTING: 'round-robin' }, 'ROUTING'],
    [{ ROUTING: 'AUTO' }, 'ROUTING'],
    [{ ROUTING: 'auto', ROUTING_REPLY_TIMEOUT: '0' }, 'ROUTING_REPLY_TIMEOUT'],
    [{ ROUTING: 'auto', ROUTING_REPLY_TIMEOUT: '2m' }, 'ROUTING_REPLY_TIMEOUT'],
    [{ ROUTING: 'auto', ROUTING_REPLY_TIMEOUT: '1.5' }, 'ROUTING_REPLY_TIMEOUT'],
    [{ ROUTING: 'auto', ROUTING_REPLY_TIMEOUT: '86401' }, 'ROUTING_REPLY_TIMEOUT'],
    [{ ROUTING_REPLY_TIMEOUT: '60' }, 'ROUTING_REPLY_TIMEOUT'],
    [{ ROUTING_SWEEP_MS: '10' }, 'ROUTING_SWEEP_MS'],
  ])('refuses %o naming %s', (env, variable) => {
    const err = failure(env);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}:`)).toBe(true);
  });
});

describe('the upload budget (ATTACHMENT_UPLOAD_BYTES_PER_SECOND)', () => {
  it('is 8 MiB/s by default, any whole number of bytes per second up to 1 GiB, 0 for none', () => {
    expect(loadConfig({}).tunables.attachmentUploadBytesPerSecond).toBe(8 * 1024 * 1024);
    const set = (value: string) =>
      loadConfig({ ATTACHMENT_UPLOAD_BYTES_PER_SECOND: value }).tunables
        .attachmentUploadBytesPerSecond;
    expect(set('0')).toBe(0);
    expect(set('1048576')).toBe(1048576);
  });

  it.each(['-1', '8MiB', '1.5', String(1024 ** 3 + 1), 'fast'])(
    'refuses %s at start, naming the variable',
    (value) => {
      const err = failure({ ATTACHMENT_UPLOAD_BYTES_PER_SECOND: value });
      expect(err.variable).toBe('ATTACHMENT_UPLOAD_BYTES_PER_SECOND');
      expect(err.message).toMatch(/not a whole number of bytes per second \(0-1073741824\)/);
    },
  );
});

describe('a refused count', () => {
  it('names the range without a unit where the unit is a plain count', () => {
    const err = failure({ SQLITE_WRITER_THREAD: '2' });
    expect(err.variable).toBe('SQLITE_WRITER_THREAD');
    expect(err.message).toMatch(/"2" is not a whole number \(0-1\)$/);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.7, loopback', ['10.0.0.0/8', '192.168.1.7', 'loopback']],
    ['2001:db8::/32,::1', ['2001:db8::/32', '::1']],
  ])("takes %s, and the server's trust rule takes what it becomes", (raw, expected) => {
    const { trustProxy } = loadConfig({ TRUST_PROXY: raw });
    expect(trustProxy).toEqual(expected);
    expect(() => trustRule(trustProxy)).not.toThrow();
  });

  it.each(['10.0.0.0/33', '999.1.1.1', '::1/129', '10.0.0.0/8/9', 'proxy.local', '10.0.0.0/'])(
    'refuses %s naming the variable, where the trust rule would fail only as the server starts',
    (raw) => {
      expect(failure({ TRUST_PROXY: raw })).toMatchObject({ variable: 'TRUST_PROXY' });
      expect(() => trustRule([raw])).toThrow();
    },
  );
});
