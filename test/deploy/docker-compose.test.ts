/**
 * What can be checked of docker-compose.yml and the worker's Dockerfile without a Docker engine:
 * the stack's shape, and that everything the worker is given means something to our code.
 * (test/deploy/worker-image.int.test.ts runs the image's command on the host.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connectionCredentialsFromEnv, connectionSettingsFromEnv } from '../../src/client/connection.js';
import { WORKER_ENV, workerTuning } from '../../src/cli/worker-options.js';
import { DEFAULT_SHUTDOWN_GRACE_TIME } from '../../src/worker/create-worker.js';
import {
  CLUSTER_DYNAMIC_CONFIG,
  CLUSTER_HISTORY_SHARDS,
  CLUSTER_SERVICES,
  POSTGRES_PLUGIN,
  renderDynamicConfig,
  SQL_MAX_CONNS,
  TEMPORAL_SERVER_VERSION,
  TRANSFER_PROCESSOR_MAX_POLL_RPS,
} from '../../src/cluster/config.js';
import { COMPOSE, composeNamespaceScript, composeSchemaScript } from '../../src/cluster/compose-scripts.js';
import { HARNESS_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes.js';
import { parseWorkspaceText } from '../../src/workspace/index.js';
import { composeService, dockerfile, imagePath, readCompose, REPO_ROOT, workerEnvironment } from '../support/deploy-files.js';

const compose = readCompose();

describe('docker-compose.yml', () => {
  const env = (name: string) => composeService(compose, name).environment as Record<string, string>;

  it('runs the four Temporal services as separate containers of the plain server image, on PostgreSQL', () => {
    const pg = composeService(compose, 'postgresql');
    expect(String(pg.image)).toMatch(/^postgres:\d+/);
    for (const service of CLUSTER_SERVICES) {
      const container = composeService(compose, `temporal-${service}`);
      // temporalio/auto-setup is deprecated: the schema and namespace are one-shot jobs instead.
      expect(container.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION.slice(1)}`);
      expect(env(`temporal-${service}`)).toMatchObject({
        SERVICES: service,
        DB: POSTGRES_PLUGIN,
        POSTGRES_SEEDS: COMPOSE.postgres.host,
        DB_PORT: String(COMPOSE.postgres.port),
        POSTGRES_USER: (pg.environment as Record<string, string>).POSTGRES_USER,
        POSTGRES_PWD: (pg.environment as Record<string, string>).POSTGRES_PASSWORD,
      });
      expect(container.depends_on).toMatchObject({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    }
    expect(composeService(compose, 'temporal-frontend').ports).toEqual(['7233:7233']);
    expect(composeService(compose, 'temporal-schema').image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    const ui = composeService(compose, 'temporal-ui');
    expect(String(ui.image)).toMatch(/^temporalio\/ui:/);
    expect((ui.environment as Record<string, string>).TEMPORAL_ADDRESS).toBe(COMPOSE.frontendAddress);
    expect(ui.ports).toContain('8080:8080');
  });

  it('is configured like the local cluster: shards, pools, dynamic config, schema steps, namespace and search attributes', () => {
    for (const service of CLUSTER_SERVICES) {
      const e = env(`temporal-${service}`);
      expect(Number(e.NUM_HISTORY_SHARDS)).toBe(CLUSTER_HISTORY_SHARDS);
      expect([Number(e.SQL_MAX_CONNS), Number(e.SQL_VIS_MAX_CONNS)]).toEqual([SQL_MAX_CONNS.persistence, SQL_MAX_CONNS.visibility]);
      expect(e.DYNAMIC_CONFIG_FILE_PATH).toBe(COMPOSE.dynamicConfigPath);
      expect(composeService(compose, `temporal-${service}`).volumes).toEqual([`${COMPOSE.dynamicConfigSource}:${COMPOSE.dynamicConfigPath}:ro`]);
    }
    // The mounted file is the local cluster's dynamic config, dispatch knob included.
    const mounted = readFileSync(join(REPO_ROOT, COMPOSE.dynamicConfigSource), 'utf8');
    expect(mounted, 'regenerate it: npm run -s cluster -- dynamic-config > deploy/temporal/dynamicconfig.yaml').toBe(renderDynamicConfig());
    expect(parse(mounted)).toEqual(CLUSTER_DYNAMIC_CONFIG);
    expect(CLUSTER_DYNAMIC_CONFIG['history.transferProcessorMaxPollRPS']).toEqual([{ value: TRANSFER_PROCESSOR_MAX_POLL_RPS }]);
    // PostgreSQL has room for every service's pools.
    const maxConnections = Number(/max_connections=(\d+)/.exec((composeService(compose, 'postgresql').command as string[]).join(' '))?.[1]);
    expect(maxConnections).toBeGreaterThan(CLUSTER_SERVICES.length * (SQL_MAX_CONNS.persistence + SQL_MAX_CONNS.visibility));

    expect((composeService(compose, 'temporal-schema').command as string[])[0]).toBe(composeSchemaScript());
    const setup = (composeService(compose, 'temporal-setup').command as string[])[0]!;
    expect(setup).toBe(composeNamespaceScript());
    for (const key of HARNESS_SEARCH_ATTRIBUTES) expect(setup).toMatch(new RegExp(`--name ${key.name} --type Keyword`));
    expect(composeService(compose, 'worker').depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
  });

  it("builds the worker from this repo's Dockerfile and gives it only settings our code reads", () => {
    const worker = composeService(compose, 'worker');
    expect(worker.build).toBe('.');
    const env = workerEnvironment(compose, {});
    // The connection settings reach the Temporal service by its compose name.
    expect(connectionSettingsFromEnv({}, env)).toMatchObject({ address: COMPOSE.frontendAddress, namespace: 'default' });
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
