/**
 * Pure rules of a sub-agent call: what the model must send, how deep calls may nest, and what
 * the child is told. The model gets each refusal as a tool error it can act on; none fails the run.
 */
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
