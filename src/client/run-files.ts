/** Building the `files` of a run: small text inline, anything else by reference with size and hash. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { RunFile } from '../workflows/run/contract.js';
import { HarnessClientError } from './errors.js';

/**
 * Without a payload store, inline content travels in workflow history, so the client refuses
 * anything near Temporal's payload limits; the workspace's `limits.maxInlineFileBytes` (default
 * 64 KiB) is stricter still.
 */
export const MAX_INLINE_FILE_BYTES = 256 * 1024;

/**
 * With a payload store (the default), inline content is stored by reference, so the client takes
 * inline files up to this size (the workspace's `limits.maxInlineFileBytes` still applies).
 */
export const MAX_INLINE_FILE_BYTES_BY_REFERENCE = 32 * 1024 * 1024;

/** A small text file passed inline. */
export function inlineFile(name: string, content: string, mediaType?: string): RunFile {
  const size = Buffer.byteLength(content, 'utf8');
  return {
    name,
    content,
    size,
    sha256: createHash('sha256').update(content).digest('hex'),
    ...(mediaType !== undefined && { mediaType }),
  };
}

/** A file passed by reference: its path, size and SHA-256 (read here, not by the run). */
export async function fileReference(path: string, mediaType?: string): Promise<RunFile> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch((err: NodeJS.ErrnoException) => {
    throw new HarnessClientError('INVALID_FILE', `Cannot read file ${absolute}: ${err.code ?? err.message}`, { cause: err });
  });
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolute)) hash.update(chunk as Buffer);
  return { name: basename(absolute), path: absolute, size: info.size, sha256: hash.digest('hex'), ...(mediaType !== undefined && { mediaType }) };
}

/** @throws {HarnessClientError} `FILE_TOO_LARGE` / `INVALID_FILE` with what to do instead. */
export function checkRunFiles(files: readonly RunFile[], maxInlineBytes: number = MAX_INLINE_FILE_BYTES): void {
  for (const f of files) {
    if (f.content === undefined && f.path === undefined && f.url === undefined) {
      throw new HarnessClientError('INVALID_FILE', `File "${f.name}" has no content, path or url.`);
    }
    if (f.contentRef !== undefined) {
      throw new HarnessClientError('INVALID_FILE', `File "${f.name}" has a contentRef: the run sets that itself; pass \`content\`, \`path\` or \`url\`.`);
    }
    if (f.content !== undefined) {
      const bytes = Buffer.byteLength(f.content, 'utf8');
      if (bytes > maxInlineBytes) {
        const why = maxInlineBytes === MAX_INLINE_FILE_BYTES ? 'without a payload store they travel in workflow history' : 'with the payload store';
        throw new HarnessClientError(
          'FILE_TOO_LARGE',
          `File "${f.name}" is ${bytes} bytes, over the ${maxInlineBytes}-byte limit for inline files (${why}). Pass it by reference: fileReference(path) or { path | url, size, sha256 }.`,
        );
      }
      if (bytes !== f.size) {
        throw new HarnessClientError('INVALID_FILE', `File "${f.name}" says size ${f.size} but its content is ${bytes} bytes; use inlineFile() to build it.`);
      }
    }
  }
}
