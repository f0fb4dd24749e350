/**
 * A new run's first message, built from its start input alone: the run's ledger starts its
 * transcript with it, and a client can tell from it, before the run starts, whether the run will
 * first store its input by reference (`start-state.ts`). Plain functions: client and workflow share them.
 */
import { needsReference } from '../shared/content-ref.js';
import type { AgentRunInput, RunFile } from './contract.js';

/**
 * The user message the model sees: the input, then the run's files — inline text in full,
 * references by name, size and hash (a tool reads them).
 */
export function withFiles(input: string, files: RunFile[]): string {
  if (files.length === 0) return input;
  const parts = files.map((f) => {
    const meta = [`${f.size} bytes`, f.mediaType, f.sha256 && `sha256 ${f.sha256}`].filter(Boolean).join(', ');
    if (f.content !== undefined) return `--- file ${f.name} (${meta}) ---\n${f.content}\n--- end of ${f.name} ---`;
    return `--- file ${f.name} (${meta}): ${f.path ?? f.url} (not inline) ---`;
  });
  return `${input}\n\nAttached files:\n${parts.join('\n')}`;
}

/**
 * The first message of a new run (its input with its files); undefined for a run that continues
 * as new or a fork, which start from messages they already have.
 */
export function firstMessageOf(input: AgentRunInput): string | undefined {
  return input.carried || input.fork ? undefined : withFiles(input.input, input.files ?? []);
}

/**
 * Whether the run's first message is kept by reference before anything else runs (the run then
 * stores it by an activity first). An inline file big enough to be kept by reference makes the
 * message that big too.
 */
export function firstMessageToStore(input: AgentRunInput): boolean {
  const first = firstMessageOf(input);
  return first !== undefined && needsReference(first);
}
