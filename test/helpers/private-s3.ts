/**
 * An S3 server of the test's own: Ceph's RADOS Gateway (Debian's radosgw), the S3 server of
 * production Ceph clusters, on the smallest Ceph cluster that serves it: one monitor and one
 * OSD that keeps its objects in memory (memstore), without authentication between them,
 * everything in a temporary folder and on free ports. Started in about ten seconds, mostly
 * the gateway creating its pools. In CI (CI=true) a missing radosgw fails the run;
 * elsewhere the caller skips, loudly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Child, freePort, required, sleep, spawnChild } from './processes.js';

const run = promisify(execFile);

const PROGRAMS = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];

/** Pools, placement groups, the first answer: seconds; a loaded CI machine takes longer. */
const STARTUP_TIMEOUT_MS = 90_000;
const POLL_MS = 100;
/** How long a ceph command hunts for the monitor before it gives up (seconds). */
const COMMAND_CONNECT_TIMEOUT_S = 30;

export function radosgwInstalled(): boolean {
  let found = true;
  for (const program of PROGRAMS) {
    try {
      execFileSync('which', [program], { stdio: 'ignore' });
    } catch {
      found = false;
    }
  }
  return required(
    found,
    `Ceph's S3 gateway (${PROGRAMS.join(', ')})`,
    'Install it (`apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw`).',
  );
}

export interface PrivateS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops every daemon and removes the folder. */
  dispose(): Promise<void>;
}

function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return [
    '[global]',
    `fsid = ${fsid}`,
    `mon host = v2:127.0.0.1:${monPort}`,
    'public addr = 127.0.0.1',
    'ms bind ipv6 = false',
    // No cephx: one machine, loopback only. The gateway asks for a secure monitor
    // connection by default, which only cephx provides.
    'auth cluster required = none',
    'auth service required = none',
    'auth client required = none',
    'ms mon client mode = crc secure',
    'ms client mode = crc secure',
    // One OSD: one copy of everything, few placement groups, no warnings about either.
    'osd pool default size = 1',
    'osd pool default min size = 1',
    'osd pool default pg num = 8',
    'osd pool default pgp num = 8',
    'osd pool default pg autoscale mode = off',
    'mon allow pool size one = true',
    'mon warn on pool no redundancy = false',
    'osd crush chooseleaf type = 0',
    'osd objectstore = memstore',
    `memstore device bytes = ${512 * 1024 * 1024}`,
    `run dir = ${dir}/run`,
    `admin socket = ${dir}/run/$name.asok`,
    `log file = ${dir}/log/$name.log`,
    `pid file = ${dir}/run/$name.pid`,
    `keyring = ${dir}/keyring`,
    `mon data = ${dir}/mon-$id`,
    `osd data = ${dir}/osd-$id`,
    '[client.rgw]',
    `rgw frontends = beast endpoint=127.0.0.1:${rgwPort}`,
    '',
  ].join('\n');
}

/** Whether the gateway answers an anonymous bucket listing. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function privateS3(): Promise<PrivateS3> {
  const dir = mkdtempSync(join(tmpdir(), 'ceph-'));
  for (const sub of ['run', 'log', 'osd-0']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'keyring'), '');
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'ceph.conf');
  const fsid = randomUUID();
  writeFileSync(conf, cephConf(dir, fsid, monPort, rgwPort));
  const ceph = (program: string, ...args: string[]) =>
    run(program, ['-c', conf, ...args], { timeout: (COMMAND_CONNECT_TIMEOUT_S + 10) * 1000 });
  const children: Child[] = [];
  const dispose = async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => children.map((child) => child.output()).join('\n---\n');
  try {
    const monmap = join(dir, 'monmap');
    await run('monmaptool', [
      '--create',
      '--add',
      'a',
      `v2:127.0.0.1:${monPort}`,
      '--fsid',
      fsid,
      monmap,
    ]);
    await ceph('ceph-mon', '--mkfs', '-i', 'a', '--monmap', monmap);
    children.push(spawnChild('ceph-mon', ['-c', conf, '-i', 'a', '-f']));
    // Hunts for the monitor until it answers: no need to wait for it separately.
    const timeout = ['--connect-timeout', String(COMMAND_CONNECT_TIMEOUT_S)];
    const { stdout: osdId } = await ceph('ceph', ...timeout, 'osd', 'create');
    if (osdId.trim() !== '0') throw new Error(`expected OSD 0, the monitor made ${osdId}`);
    await ceph('ceph-osd', '-i', '0', '--mkfs');
    children.push(spawnChild('ceph-osd', ['-c', conf, '-i', '0', '-f']));
    children.push(spawnChild('radosgw', ['-c', conf, '-n', 'client.rgw', '-f']));
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await answers(endpoint))) {
      const gone = children.find((child) => !child.running());
      if (gone) throw new Error(`a Ceph daemon exited while starting:\n${logs()}`);
      if (Date.now() > deadline) {
        throw new Error(`radosgw did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${logs()}`);
      }
      await sleep(POLL_MS);
    }
    const accessKeyId = `TEST${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`;
    const secretAccessKey = randomUUID();
    await ceph(
      'radosgw-admin',
      '-n',
      'client.rgw',
      'user',
      'create',
      '--uid=test',
      '--display-name=test',
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    );
    return { endpoint, region: 'us-east-1', accessKeyId, secretAccessKey, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
