/**
 * What can be checked of docker-compose.yml and the worker's Dockerfile without a Docker engine:
 * the stack's shape, and that everything the worker is given means something to our code.
 * (test/deploy/worker-image.int.test.ts runs the image's command on the host.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionCredentialsFromEnv, connectionSettingsFromEnv } from '../../src/client/connection.js';
import { WORKER_ENV, workerTuning } from '../../src/cli/worker-options.js';
import { DEFAULT_SHUTDOWN_GRACE_TIME } from '../../src/worker/create-worker.js';
import { HARNESS_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes.js';
import { parseWorkspaceText } from '../../src/workspace/index.js';
import { composeService, dockerfile, imagePath, readCompose, REPO_ROOT, workerEnvironment } from '../support/deploy-files.js';

const compose = readCompose();

describe('docker-compose.yml', () => {
  it('runs Temporal on PostgreSQL, with the Web UI pointed at it', () => {
    const pg = composeService(compose, 'postgresql');
    expect(String(pg.image)).toMatch(/^postgres:\d+/);
    const temporal = composeService(compose, 'temporal');
    expect(String(temporal.image)).toMatch(/^temporalio\/auto-setup:/);
    const tEnv = temporal.environment as Record<string, string>;
    expect(tEnv.DB).toMatch(/^postgres/);
    expect(tEnv.POSTGRES_SEEDS).toBe('postgresql');
    expect(tEnv.POSTGRES_USER).toBe((pg.environment as Record<string, string>).POSTGRES_USER);
    expect(temporal.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });

    const ui = composeService(compose, 'temporal-ui');
    expect(String(ui.image)).toMatch(/^temporalio\/ui:/);
    expect((ui.environment as Record<string, string>).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(ui.ports).toContain('8080:8080');
  });

  it('registers every search attribute the harness needs, as Keyword, before the worker starts', () => {
    const setup = composeService(compose, 'temporal-setup');
    const script = ([] as string[]).concat(setup.command as string[]).join(' ');
    for (const key of HARNESS_SEARCH_ATTRIBUTES) expect(script).toMatch(new RegExp(`--name ${key.name} --type Keyword`));
    expect(composeService(compose, 'worker').depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  });

  it("builds the worker from this repo's Dockerfile and gives it only settings our code reads", () => {
    const worker = composeService(compose, 'worker');
    expect(worker.build).toBe('.');
    const env = workerEnvironment(compose, {});
    // The connection settings reach the Temporal service by its compose name.
    expect(connectionSettingsFromEnv({}, env)).toMatchObject({ address: 'temporal:7233', namespace: 'default' });
    expect(connectionCredentialsFromEnv(env)).toEqual({});
    const known = new Set<string>(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'HARNESS_TASK_QUEUE', 'HARNESS_WORKSPACE', ...Object.values(WORKER_ENV)]);
    // A model's key variable is known if the workspace the image uses names it.
    const workspace = parseWorkspaceText(readFileSync(join(REPO_ROOT, 'harness.yaml'), 'utf8'), join(REPO_ROOT, 'harness.yaml'));
    for (const model of Object.values(workspace.models)) if ('apiKeyEnv' in model && model.apiKeyEnv) known.add(model.apiKeyEnv);
    for (const name of Object.keys(env)) expect(known, `compose sets ${name}, which nothing reads`).toContain(name);
    // The workspace file it names is the one the Dockerfile copies into the image.
    expect(imagePath(env.HARNESS_WORKSPACE!)).toBe(join(REPO_ROOT, 'harness.yaml'));
    expect(() => workerTuning({}, env)).not.toThrow();
  });

  it('gives the worker longer to stop than its shutdown grace, so in-flight calls can finish', () => {
    const worker = composeService(compose, 'worker');
    const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);
    const grace = workerTuning({}, workerEnvironment(compose, {})).shutdownGraceTime ?? seconds(DEFAULT_SHUTDOWN_GRACE_TIME) * 1000;
    expect(seconds(String(worker.stop_grace_period)) * 1000).toBeGreaterThan(grace);
  });
});

describe('Dockerfile', () => {
  const df = dockerfile();

  it('copies what the worker needs at run time: sources, the CLI entry, the workspace and its tools module', () => {
    expect(df.workdir).toBe('/app');
    for (const path of ['package.json', 'package-lock.json', 'bin', 'src', 'harness.yaml', 'examples']) expect(df.copied, path).toContain(path);
    expect(df.run.join('\n')).toMatch(/npm ci\b/);
    // No Temporal CLI build inside the image: the server runs elsewhere.
    expect(df.env.HARNESS_SKIP_TEMPORAL_BUILD).toBe('1');
    const workspace = parseWorkspaceText(readFileSync(join(REPO_ROOT, 'harness.yaml'), 'utf8'), join(REPO_ROOT, 'harness.yaml'));
    const toolsModule = workspace.tools?.module;
    expect(toolsModule && df.copied.some((p) => toolsModule.replace(/^\.\//, '').startsWith(`${p}/`))).toBe(true);
  });

  it('runs a real harness command (its --help works on the host)', () => {
    const [exe, ...args] = df.cmd;
    expect(exe).toBe('node');
    expect(args.slice(0, 2)).toEqual(['bin/harness.mjs', 'worker']);
    const help = spawnSync(process.execPath, [...args, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: harness worker/);
  });
});
