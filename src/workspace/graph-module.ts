/**
 * Loads a graph agent's LangGraph export and gives the activity one shape to run it with, whatever
 * the module exports: a `StateGraph` builder, a compiled graph, or a `createAgent` agent.
 */
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { importModule } from './tools-module.js';

/** The parts of a compiled LangGraph graph (Pregel) the harness uses. */
export interface CompiledGraphLike {
  checkpointer?: unknown;
  stream(input: unknown, config: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: Record<string, unknown>): Promise<GraphStateSnapshot>;
  withConfig(config: Record<string, unknown>): CompiledGraphLike;
}

/** The parts of a `createAgent` agent (langchain's ReactAgent) the harness uses. */
export interface AgentLike {
  checkpointer?: unknown;
  readonly graph: CompiledGraphLike;
  stream(input: unknown, config: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  withConfig(config: Record<string, unknown>): AgentLike;
}

interface BuilderLike {
  compile(options: { checkpointer: BaseCheckpointSaver }): CompiledGraphLike;
}

/** What `getState` returns, as far as the harness reads it. */
export interface GraphStateSnapshot {
  values: unknown;
  next: readonly string[];
  tasks: readonly { id: string; name: string; interrupts?: readonly { id?: string; value?: unknown; response_schema?: unknown }[] }[];
}

export type GraphExport =
  | { kind: 'builder'; builder: BuilderLike }
  | { kind: 'compiled'; graph: CompiledGraphLike }
  | { kind: 'agent'; agent: AgentLike };

/** A graph bound to one checkpointer, for one activity attempt. */
export interface BoundGraph {
  stream(input: unknown, config: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: Record<string, unknown>): Promise<GraphStateSnapshot>;
}

/**
 * Imports `exportName` from `modulePath` and recognizes it.
 * @throws Error saying what the module exports instead, when it is not a graph.
 */
export async function importGraph(modulePath: string, exportName: string): Promise<GraphExport> {
  const mod = await importModule(modulePath);
  if (!(exportName in mod)) {
    const names = Object.keys(mod).join(', ') || '(nothing)';
    throw new Error(`the module has no export "${exportName}"; it exports: ${names}`);
  }
  const found = recognizeGraph(mod[exportName]);
  if (!found) {
    throw new Error(
      `export "${exportName}" is not a LangGraph graph: expected a StateGraph builder (with compile()), a compiled graph, or a createAgent() agent`,
    );
  }
  return found;
}

export function recognizeGraph(value: unknown): GraphExport | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const isCompiled = (g: unknown) => {
    const c = g as Record<string, unknown> | undefined;
    return !!c && typeof c.stream === 'function' && typeof c.getState === 'function' && typeof c.withConfig === 'function';
  };
  // A createAgent agent wraps its compiled graph (and looks like one too: stream, getState):
  // recognize it first, so binding goes through its own withConfig and checkpointer.
  if (typeof v.withConfig === 'function' && typeof v.stream === 'function' && isCompiled(v.graph) && typeof v.options === 'object') {
    return { kind: 'agent', agent: value as AgentLike };
  }
  if (isCompiled(v)) return { kind: 'compiled', graph: value as CompiledGraphLike };
  if (typeof v.compile === 'function') return { kind: 'builder', builder: value as BuilderLike };
  return undefined;
}

/**
 * A copy of the graph that checkpoints into `saver`. The module's own export is never changed,
 * so concurrent runs on one worker each keep their own checkpoints.
 */
export function bindCheckpointer(graph: GraphExport, saver: BaseCheckpointSaver): BoundGraph {
  switch (graph.kind) {
    case 'builder': {
      const compiled = graph.builder.compile({ checkpointer: saver });
      return { stream: (i, c) => compiled.stream(i, c), getState: (c) => compiled.getState(c) };
    }
    case 'compiled': {
      const copy = graph.graph.withConfig({});
      copy.checkpointer = saver;
      return { stream: (i, c) => copy.stream(i, c), getState: (c) => copy.getState(c) };
    }
    case 'agent': {
      // withConfig builds a new agent (and a new compiled graph) from the same options.
      const copy = graph.agent.withConfig({});
      copy.checkpointer = saver;
      return { stream: (i, c) => copy.stream(i, c), getState: (c) => copy.graph.getState(c) };
    }
  }
}
