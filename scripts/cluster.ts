/**
 * `npm run cluster [-- up] [--data-dir DIR] [--port N] [--log-level L]`: start the
 * production-shaped Temporal cluster (src/cluster) in the foreground; Ctrl-C stops it.
 * `npm run cluster -- dynamic-config` prints its dynamic config (the file docker-compose.yml mounts:
 * `npm run -s cluster -- dynamic-config > deploy/temporal/dynamicconfig.yaml`).
 * `npm run cluster -- build` only builds (or finds) the server binaries and prints their paths.
 */
import { parseArgs } from 'node:util';
import { CLUSTER_HISTORY_SHARDS, CLUSTER_SERVICES, renderDynamicConfig } from '../src/cluster/config.js';
import { ensureServerBinaries, isClusterStartError, startCluster } from '../src/cluster/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const command = positionals[0] ?? 'up';

if (command === 'dynamic-config') {
  process.stdout.write(renderDynamicConfig());
} else if (command === 'build') {
  try {
    const binaries = await ensureServerBinaries({ log: (line) => console.error(`[cluster] ${line}`) });
    console.log(`${binaries.server}\n${binaries.sqlTool}`);
  } catch (err) {
    console.error(isClusterStartError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  }
} else if (command === 'up') {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error(`--port must be a TCP port number (1-65535), got "${values.port}".`);
    process.exit(2);
  }
  const logLevel = values['log-level'] as 'debug' | 'info' | 'warn' | 'error';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    console.error(`--log-level must be debug, info, warn or error, got "${logLevel}".`);
    process.exit(2);
  }
  const started = Date.now();
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let ready = false;
  // Ctrl-C while starting: exit at once (the cluster's exit hook kills what was started).
  void stopRequested.then(() => !ready && process.exit(130));
  try {
    const cluster = await startCluster({
      ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
      ...(port !== undefined && { port }),
      logLevel,
      log: (line) => console.error(`[cluster] ${line}`),
    });
    console.log(`Temporal cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${CLUSTER_HISTORY_SHARDS} history shards, PostgreSQL on ${cluster.postgres.host}:${cluster.postgres.port}`);
    for (const name of CLUSTER_SERVICES) console.log(`  ${name.padEnd(9)} pid ${cluster.services[name].pid}  log ${cluster.services[name].logFile}`);
    console.log(`\n  export TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace}\n`);
    console.log('Ctrl-C stops the cluster' + (values['data-dir'] ? ` (its data stays in ${cluster.dir}).` : ' and deletes its data.'));
    ready = true;
    await stopRequested;
    console.error('[cluster] stopping');
    await cluster.stop();
  } catch (err) {
    console.error(isClusterStartError(err) ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  }
} else {
  console.error(`Unknown command "${command}". Use \`npm run cluster\` (up) or \`npm run cluster -- dynamic-config\`.`);
  process.exit(2);
}
