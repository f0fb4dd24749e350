/**
 * The cluster's configuration as data (no server): the YAML the services load, the schema steps,
 * the dynamic-config file, and the error when Go is missing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  CLUSTER_HISTORY_SHARDS,
  CLUSTER_SERVICES,
  ensureServerBinaries,
  renderDynamicConfig,
  renderServerConfig,
  schemaSetupArgs,
  serverConfig,
  type ClusterService,
  type ServerConfigInput,
  type ServicePorts,
} from '../../src/cluster/index.js';

const pg = { host: '127.0.0.1', port: 5433, user: 'temporal', password: 'pw' };
const ports = Object.fromEntries(
  CLUSTER_SERVICES.map((name, i): [ClusterService, ServicePorts] => [name, { grpcPort: 7000 + i, membershipPort: 6000 + i, ...(name === 'frontend' && { httpPort: 7243 }) }]),
) as Record<ClusterService, ServicePorts>;
const input: ServerConfigInput = { postgres: pg, ports, ip: '127.0.0.1', dynamicConfigFile: '/tmp/dc.yaml', logLevel: 'warn' };

describe('cluster server config', () => {
  it('puts persistence and visibility on PostgreSQL with 4 history shards, and gives every service its own ports', () => {
    const config = serverConfig(input) as {
      persistence: { numHistoryShards: number; defaultStore: string; visibilityStore: string; datastores: Record<string, { sql: Record<string, unknown> }> };
      services: Record<string, { rpc: Record<string, unknown> }>;
      global: { membership: { broadcastAddress: string } };
      dynamicConfigClient: { filepath: string };
      clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
    };
    expect(config.persistence.numHistoryShards).toBe(CLUSTER_HISTORY_SHARDS);
    const stores = config.persistence.datastores;
    expect(stores[config.persistence.defaultStore]!.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal', connectAddr: '127.0.0.1:5433', user: 'temporal', password: 'pw' });
    expect(stores[config.persistence.visibilityStore]!.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal_visibility' });
    expect(Object.keys(config.services).sort()).toEqual([...CLUSTER_SERVICES].sort());
    const used = Object.values(config.services).flatMap((s) => [s.rpc.grpcPort, s.rpc.membershipPort]);
    expect(new Set(used).size).toBe(used.length);
    expect(config.services.frontend!.rpc).toMatchObject({ grpcPort: ports.frontend.grpcPort, httpPort: 7243, bindOnIP: '127.0.0.1' });
    expect(config.global.membership.broadcastAddress).toBe('127.0.0.1');
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe(`127.0.0.1:${ports.frontend.grpcPort}`);
    expect(config.dynamicConfigClient.filepath).toBe('/tmp/dc.yaml');
    // The file the server reads says the same.
    expect(parse(renderServerConfig(input))).toEqual(config);
  });

  it('creates both databases only for a new cluster, and always brings the schemas up to date', () => {
    const commands = (fresh: boolean) => schemaSetupArgs(pg, { fresh }).map((args) => `${args[args.indexOf('--db') + 1]} ${args.slice(args.indexOf('--db') + 2).join(' ')}`);
    expect(commands(true)).toEqual([
      'temporal create-database',
      'temporal setup-schema -v 0.0',
      'temporal update-schema --schema-name postgresql/v12/temporal',
      'temporal_visibility create-database',
      'temporal_visibility setup-schema -v 0.0',
      'temporal_visibility update-schema --schema-name postgresql/v12/visibility',
    ]);
    expect(commands(false)).toEqual([
      'temporal update-schema --schema-name postgresql/v12/temporal',
      'temporal_visibility update-schema --schema-name postgresql/v12/visibility',
    ]);
    expect(schemaSetupArgs(pg, { fresh: false })[0]).toEqual(expect.arrayContaining(['--plugin', 'postgres12', '--ep', '127.0.0.1', '--port', '5433']));
  });

  it('has the dynamic config that docker-compose.yml mounts, dispatch knob included', () => {
    const file = readFileSync(new URL('../../deploy/temporal/dynamicconfig.yaml', import.meta.url), 'utf8');
    expect(file).toBe(renderDynamicConfig());
    expect(parse(file)['history.transferProcessorMaxPollRPS']).toEqual([{ value: 1000 }]);
  });
});

describe('server binaries', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('says how to get Go when it is missing and nothing is cached', async () => {
    vi.stubEnv('HARNESS_CACHE_DIR', mkdtempSync(join(tmpdir(), 'harness-empty-cache-')));
    vi.stubEnv('PATH', mkdtempSync(join(tmpdir(), 'harness-empty-path-')));
    vi.stubEnv('HARNESS_TEMPORAL_SERVER', '');
    vi.stubEnv('HARNESS_TEMPORAL_SQL_TOOL', '');
    const err = await ensureServerBinaries().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ClusterStartError', code: 'GO_NOT_FOUND', message: expect.stringMatching(/Install Go >= 1\.25.*HARNESS_TEMPORAL_SERVER/s) });
  });

  it('refuses a HARNESS_TEMPORAL_SERVER that is not an executable', async () => {
    vi.stubEnv('HARNESS_TEMPORAL_SERVER', '/nonexistent/temporal-server');
    const err = await ensureServerBinaries().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SERVER_BINARY_NOT_FOUND', message: expect.stringContaining('/nonexistent/temporal-server') });
  });
});
