/**
 * Where the tool calls of one model step are: waiting for a decision, running, or done. A run
 * parked on approvals may continue as new only while none of its calls runs (an activity or child
 * run cannot be handed over), and then the finished calls' results go with it.
 */
import type { ToolResult } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';

/** A tool call of the parked step that finished before the run continued as new. */
export interface FinishedToolCall {
  toolCallId: string;
  result: ToolResult;
}

export class StepProgress {
  private readonly running = new Set<string>();
  private readonly finished = new Map<string, ToolResult>();
  /** Set once the run hands over: a call decided from then on waits for the next run to start it. */
  private handingOver = false;

  constructor(
    readonly calls: ToolCall[],
    carried: FinishedToolCall[] = [],
  ) {
    for (const { toolCallId, result } of carried) this.finished.set(toolCallId, result);
  }

  /** The result of a call that finished before this run (or earlier in it), if any. */
  resultOf(toolCallId: string): ToolResult | undefined {
    return this.finished.get(toolCallId);
  }

  /**
   * Marks the call running and returns true; returns false once the run is handing over: the call
   * must then not start (it starts in the next run of the chain, from its recorded decision).
   */
  start(toolCallId: string): boolean {
    if (this.handingOver) return false;
    this.running.add(toolCallId);
    return true;
  }

  finish(toolCallId: string, result: ToolResult): void {
    this.running.delete(toolCallId);
    this.finished.set(toolCallId, result);
  }

  /** A call that failed (cancellation, a failure that ends the run) is no longer running. */
  abandon(toolCallId: string): void {
    this.running.delete(toolCallId);
  }

  get isDone(): boolean {
    return this.calls.every((c) => this.finished.has(c.id));
  }

  /** Nothing of the step runs: the calls left all wait for decisions. */
  get isIdle(): boolean {
    return this.running.size === 0 && !this.isDone;
  }

  /** Stops new calls from starting and returns what the next run needs of this step. */
  handOver(): FinishedToolCall[] {
    this.handingOver = true;
    return [...this.finished].map(([toolCallId, result]) => ({ toolCallId, result }));
  }
}
