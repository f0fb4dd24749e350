import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/devserver/dev-server.js';
import { DevServerStartError } from '../../src/devserver/errors.js';
import { ensureTemporalBinary } from '../../src/devserver/temporal-binary.js';
import { HARNESS_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes.js';

const SERVER_TEST_TIMEOUT = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True if we can bind the port ourselves, i.e. nothing listens on it any more. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function expectReady(server: DevServer): Promise<void> {
  const connection = await Connection.connect({ address: server.address });
  try {
    const ns = await connection.workflowService.describeNamespace({ namespace: server.namespace });
    expect(ns.namespaceInfo?.name).toBe(server.namespace);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: server.namespace });
    for (const key of HARNESS_SEARCH_ATTRIBUTES) expect(Object.keys(customAttributes ?? {})).toContain(key.name);
  } finally {
    await connection.close();
  }
}

describe('startDevServer (real temporal binary)', () => {
  let dir: string;
  const started: DevServer[] = [];
  const savedTemporalCli = process.env.TEMPORAL_CLI;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dev-server-test-'));
    // Fail fast with the install instructions rather than timing out in each test.
    await ensureTemporalBinary();
  });

  afterEach(async () => {
    if (savedTemporalCli === undefined) delete process.env.TEMPORAL_CLI;
    else process.env.TEMPORAL_CLI = savedTemporalCli;
    await Promise.all(started.splice(0).map((server) => server.stop()));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'starts in memory, is ready on return, and stop() ends the process and frees the port',
    async () => {
      const server = await startDevServer({ namespace: 'harness-devserver-test' });
      started.push(server);
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.uiUrl).toBeUndefined();
      await expectReady(server);

      await server.stop();
      expect(isAlive(server.pid)).toBe(false);
      expect(await portIsFree(Number(server.address.split(':')[1]))).toBe(true);
      await server.stop(); // idempotent
    },
    SERVER_TEST_TIMEOUT,
  );

  it(
    'persists to a SQLite file and serves the Web UI with ui: true',
    async () => {
      const dbFile = path.join(dir, 'nested', 'temporal.db');
      const server = await startDevServer({ dbFile, ui: true });
      started.push(server);
      expect(server.namespace).toBe('default');
      await expectReady(server);
      expect((await stat(dbFile)).isFile()).toBe(true);
      expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(server.uiUrl!);
      expect(response.status).toBe(200);
      await response.body?.cancel();
    },
    SERVER_TEST_TIMEOUT,
  );

  it(
    'fails clearly when the gRPC port is already taken',
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const err = await startDevServer({ port }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DevServerStartError);
        expect((err as Error).message).toMatch(/address already in use/);
      } finally {
        blocker.close();
      }
    },
    SERVER_TEST_TIMEOUT,
  );

  it('fails clearly, with the server output, when TEMPORAL_CLI is a bogus binary', async () => {
    process.env.TEMPORAL_CLI = path.join(dir, 'bogus-temporal');
    await writeFile(process.env.TEMPORAL_CLI, '#!/bin/sh\necho "bogus: unknown command" >&2\nexit 1\n');
    await chmod(process.env.TEMPORAL_CLI, 0o755);
    const err = await startDevServer().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevServerStartError);
    const e = err as DevServerStartError;
    expect(e.name).toBe('DevServerStartError');
    expect(e.code).toBe('DEV_SERVER_START_FAILED');
    expect(e.message).toContain('exit code 1');
    expect(e.message).toContain('bogus: unknown command');
    expect(e.message).toContain('TEMPORAL_CLI');
  });

  it('times out clearly (and kills the process) when the server never becomes ready', async () => {
    const pidFile = path.join(dir, 'hang.pid');
    const hanging = path.join(dir, 'hanging-temporal');
    await writeFile(hanging, `#!/bin/sh\necho $$ > ${JSON.stringify(pidFile)}\nexec sleep 30\n`);
    await chmod(hanging, 0o755);
    const err = await startDevServer({ binary: hanging, readyTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevServerStartError);
    expect((err as Error).message).toMatch(/not ready after 500 ms/);
    expect((err as Error).message).toMatch(/readyTimeoutMs/);
    expect(isAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
  });
});
