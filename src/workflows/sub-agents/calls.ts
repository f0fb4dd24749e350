/**
 * Pure rules of a sub-agent call: what the model must send, how deep calls may nest, what the
 * child is told, and what the model is told when the child does not answer. The model gets each
 * refusal or failure as a tool error it can act on; none fails the run.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ChildWorkflowFailure, isCancellation } from '@temporalio/workflow';
import type { ToolResult } from '../../activities/index.js';
import { describeFailure } from '../shared/failures.js';

export interface SubAgentRequest {
  input: string;
  context?: string;
}

/** The model's arguments for a sub-agent tool, or why they cannot be used. */
export function parseSubAgentArgs(toolName: string, args: Record<string, unknown>): SubAgentRequest | { error: string } {
  const { input, context, ...rest } = args;
  const problems: string[] = [];
  if (typeof input !== 'string' || input.trim() === '') problems.push('`input` must be a non-empty string: the request for the sub-agent');
  if (context !== undefined && typeof context !== 'string') problems.push('`context` must be a string when given');
  const extra = Object.keys(rest);
  if (extra.length) problems.push(`unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `\`${k}\``).join(', ')}`);
  if (problems.length) {
    return { error: `Invalid input for tool "${toolName}": ${problems.join('; ')}. Send {"input": "<request>", "context"?: "<background>"}.` };
  }
  return { input: input as string, ...(typeof context === 'string' && context.trim() !== '' && { context }) };
}

/**
 * Why a sub-agent may not start, or undefined when it may. `callerPath` runs from the top-level
 * agent to the caller; the caller is `callerDepth` levels below the top (0 for a top-level run).
 */
export function depthProblem(agentId: string, callerPath: readonly string[], callerDepth: number, maxAgentDepth: number): string | undefined {
  const depth = callerDepth + 1;
  if (depth <= maxAgentDepth) return undefined;
  return (
    `Sub-agent "${agentId}" was not started: it would run ${depth} level${depth > 1 ? 's' : ''} below the top-level run ` +
    `(${[...callerPath, agentId].join(' → ')}), deeper than limits.maxAgentDepth (${maxAgentDepth}) allows. ` +
    'Do the work without it, or answer with what you have.'
  );
}

/** The user message of the child run. */
export function subAgentMessage(request: SubAgentRequest, fromAgentId: string): string {
  return request.context ? `${request.input}\n\nContext from ${fromAgentId}: ${request.context}` : request.input;
}

/** The Web UI details of a child run: who called it, from where, and what it was asked. */
export function childDetails(c: { agentId: string; from: string; runId: string; toolCallId: string; message: string }): string {
  return [
    `**Sub-agent** \`${c.agentId}\`, called by \`${c.from}\` (run \`${c.runId}\`, tool call \`${c.toolCallId}\`)`,
    '',
    `> ${c.message.slice(0, 1000)}`,
    '',
    'Its approvals are also decided through the top-level run.',
    '',
    // Web UI 2.42.1 cuts the box's last ~14 px: an invisible last paragraph takes the cut.
    '\u00a0',
  ].join('\n');
}

/**
 * The tool error for a child run that did not answer (failed, cancelled, or could not start) and
 * how it ended; undefined for an error that is not the child's (the caller rethrows it).
 */
export function childFailure(err: unknown, agentId: string, childId: string): { result: ToolResult; ending: string } | undefined {
  if (err instanceof ChildWorkflowFailure) {
    const cancelled = isCancellation(err);
    const content = cancelled
      ? `Sub-agent "${agentId}" (run ${childId}) was cancelled before it answered.`
      : `Sub-agent "${agentId}" (run ${childId}) failed: ${describeFailure(err)}`;
    return { result: { content, isError: true }, ending: cancelled ? 'it was cancelled' : 'it failed' };
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    const content = `Sub-agent "${agentId}" could not start: a run with id ${childId} already exists.`;
    return { result: { content, isError: true }, ending: 'it could not start' };
  }
  return undefined;
}
