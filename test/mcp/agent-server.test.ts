import { describe, expect, it } from 'vitest';
import { checkAgentToolNames } from '../../src/mcp-server/agent-server.js';
import { isMcpServeError } from '../../src/mcp-server/errors.js';

function refusal(id: string): unknown {
  try {
    checkAgentToolNames([{ id: 'support' }, { id }]);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('agents as MCP tools: names', () => {
  it('accepts agent ids that are MCP tool names', () => {
    expect(() => checkAgentToolNames([{ id: 'support' }, { id: 'sales.eu-1' }, { id: 'a'.repeat(128) }])).not.toThrow();
  });

  it('refuses an id too long for a tool name, or one a built-in tool has, saying to rename the agent', () => {
    for (const [id, message] of [
      ['a'.repeat(129), /a tool name is 1-128 letters, digits, "_", "-" or "."; rename the agent/],
      ['harness_decide', /has the name of a built-in tool of the MCP server; rename the agent/],
      ['harness_run_status', /built-in tool/],
    ] as const) {
      const err = refusal(id);
      expect(isMcpServeError(err) && err.code).toBe('MCP_AGENT_NAME_INVALID');
      expect((err as Error).message).toMatch(message);
    }
  });
});
