import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/workflows/run/agent-spec.js';
import { CLIENT_TOOL_LIMITS } from '../../src/workflows/run/contract.js';
import { ClientToolCalls, resultText, supplyShapeProblem } from '../../src/workflows/run/client-tools.js';

const AT = '2026-01-01T00:00:00.000Z';
const pickDate: ToolSpec = {
  name: 'pick_date',
  description: 'pick',
  inputSchema: { type: 'object' },
  requiresApproval: false,
  execution: 'client',
  outputSchema: { type: 'object', properties: { date: { type: 'string' } }, required: ['date'] },
};

function book(): ClientToolCalls {
  const calls = new ClientToolCalls((name) => (name === 'pick_date' ? pickDate : undefined));
  calls.request({ toolCallId: 'c1', toolName: 'pick_date', input: {}, step: 1 }, AT);
  return calls;
}

describe('ClientToolCalls', () => {
  it('accepts a result matching the output schema once, then refuses a second', () => {
    const calls = book();
    expect(calls.problemWith({ toolCallId: 'c1', result: { date: '2026-03-01' } })).toBeUndefined();
    const record = calls.supply({ toolCallId: 'c1', result: { date: '2026-03-01' }, suppliedBy: 'web' }, AT);
    expect(record).toMatchObject({ toolCallId: 'c1', isError: false, suppliedBy: 'web', suppliedAt: AT });
    expect(resultText(record)).toBe('{"date":"2026-03-01"}');
    expect(calls.hasPending()).toBe(false);
    expect(calls.problemWith({ toolCallId: 'c1', result: { date: 'x' } })?.code).toBe('TOOL_RESULT_ALREADY_SUPPLIED');
  });

  it('refuses results failing the schema, unknown calls, malformed and oversized payloads', () => {
    const calls = book();
    expect(calls.problemWith({ toolCallId: 'c1', result: { day: 1 } })).toMatchObject({ code: 'INVALID_TOOL_RESULT', message: expect.stringContaining('pick_date') });
    expect(calls.problemWith({ toolCallId: 'zz', result: 1 })?.code).toBe('UNKNOWN_TOOL_CALL');
    expect(calls.problemWith({ toolCallId: 'c1' })?.code).toBe('INVALID_TOOL_RESULT');
    expect(calls.problemWith({ toolCallId: 'c1', result: 'x'.repeat(CLIENT_TOOL_LIMITS.resultBytes) })?.code).toBe('TOOL_RESULT_TOO_LARGE');
    expect(supplyShapeProblem({ toolCallId: 'c1', result: 1, isError: 'yes' })?.code).toBe('INVALID_TOOL_RESULT');
    // A failed tool's result is an error message, not the tool's output: the schema does not apply.
    expect(calls.problemWith({ toolCallId: 'c1', result: 'calendar unavailable', isError: true })).toBeUndefined();
    expect(calls.hasPending()).toBe(true);
  });
});
