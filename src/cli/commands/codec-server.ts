/** `harness codec-server`: decrypt payloads for the Temporal Web UI and CLI of people who hold the key. */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { contextFrom, encryptionFromEnv, positiveInt } from '../context.js';
import { onShutdownSignal } from '../lifecycle.js';
import { c, cErr, err, out } from '../output.js';

interface CodecServerCliOptions {
  port: number;
  host: string;
  uiOrigin?: string[];
  quiet?: boolean;
}

/** The dev server's UI answers on both names, and the browser sends whichever was typed. */
const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCodecServer(program: Command): void {
  program
    .command('codec-server')
    .summary('serve the Web UI’s codec endpoint so key holders can read encrypted runs')
    .description(
      'Serves the Temporal codec server protocol (POST /decode, POST /encode) with the keys from ' +
        'HARNESS_ENCRYPTION_KEY / HARNESS_ENCRYPTION_KEYS, so the Temporal Web UI and ' +
        '`temporal --codec-endpoint` show encrypted payloads in clear to whoever can reach it, and ' +
        'payloads stored by reference (HARNESS_PAYLOAD_STORE) in full. It listens on ' +
        'localhost by default; browsers may call it only from the --ui-origin origins (CORS).',
    )
    .option('--port <n>', 'port to listen on', positiveInt('--port'), 8888)
    .option('--host <address>', 'address to listen on (anyone who reaches it can decrypt)', '127.0.0.1')
    .option('--ui-origin <url>', `origin of the Web UI allowed to call it; repeatable (default: ${DEFAULT_UI_ORIGINS.join(', ')})`, collect)
    .option('--quiet', 'no log line per request')
    .addHelpText(
      'after',
      `
Examples:
  $ HARNESS_ENCRYPTION_KEY=… harness codec-server
  $ temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888
      # or: Web UI → Settings (top right) → Codec Server → http://127.0.0.1:8888
  $ temporal workflow show --workflow-id <run> --codec-endpoint http://127.0.0.1:8888
  $ harness codec-server --port 9999 --ui-origin https://temporal.example.com`,
    )
    .action(async (opts: CodecServerCliOptions, command: Command) => {
      await contextFrom(command);
      const converter = await encryptionFromEnv();
      if (!converter?.payloadCodecs?.length && !converter?.externalStorage) {
        throw new CliError(
          'NO_ENCRYPTION_KEY',
          'Nothing to decode: no encryption key is configured (set HARNESS_ENCRYPTION_KEY or HARNESS_ENCRYPTION_KEYS, the same keys the workers use) and HARNESS_PAYLOAD_STORE=off.',
        );
      }
      const { listenCodecServer, normalizeOrigins } = await import('../../codec/codec-server.js');
      const { AesGcmPayloadCodec } = await import('../../codec/encryption-codec.js');
      const { HarnessStorageDriver } = await import('../../payloads/storage-driver.js');
      let uiOrigins: string[];
      try {
        uiOrigins = normalizeOrigins(opts.uiOrigin ?? DEFAULT_UI_ORIGINS);
      } catch (e) {
        throw new CliError('INVALID_ORIGIN', `--ui-origin ${(e as Error).message}`);
      }
      const signal = onShutdownSignal();
      try {
        const server = await listenCodecServer(
          {
            codecs: converter.payloadCodecs ?? [],
            ...(converter.externalStorage && { externalStorage: converter.externalStorage }),
            uiOrigins,
            ...(!opts.quiet && {
              onRequest: (r) =>
                err(cErr.dim(`${r.method} ${r.path} → ${r.status}${r.payloads !== undefined ? ` (${r.payloads} payloads)` : ''}${r.namespace ? ` namespace ${r.namespace}` : ''}`)),
            }),
          },
          { port: opts.port, host: opts.host },
        ).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'EADDRINUSE') throw new CliError('PORT_IN_USE', `Port ${opts.port} on ${opts.host} is in use; pick another with --port.`);
          throw e;
        });
        const codec = converter.payloadCodecs?.find((x) => x instanceof AesGcmPayloadCodec);
        const blobs = converter.externalStorage?.drivers[0];
        const ring = codec?.keyring;
        out(
          `${c.bold('codec server')}  ${server.url}  (POST /decode, /encode)`,
          ring ? `keys: ${[...ring.keys.keys()].join(', ')}; encrypting with ${ring.encryptKeyId}` : 'no encryption key: payloads are not decrypted',
          blobs instanceof HarnessStorageDriver ? `stored payloads resolved from the ${blobs.blobs.description}` : '',
          `UI origins allowed: ${uiOrigins.join(', ')}`,
          '',
          `Dev server: temporal server start-dev --ui-codec-endpoint ${server.url}`,
          `or in the Web UI: Settings → Codec Server → ${server.url}`,
          c.dim('Anyone who can reach this address can decrypt payloads: keep it on localhost or behind your auth. Ctrl-C stops it.'),
        );
        await signal.received;
        await server.close();
        out('codec server stopped');
      } finally {
        signal.dispose();
      }
    });
}
