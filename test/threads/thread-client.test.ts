import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { ThreadError, ThreadHandle } from '../../src/client/index.js';
import { scriptedAnswer } from '../../src/models/scripted-model.js';
import { threadWorkflowId } from '../../src/workflows/threads/contract.js';
import { scriptedModelSchema } from '../../src/workspace/schema.js';

describe('thread ids', () => {
  it('a thread lives in workflow thread-<id>', () => {
    expect(threadWorkflowId('support-42')).toBe('thread-support-42');
  });

  it.each(['', 'has space', '-leading', 'x'.repeat(129), 'quote"d'])('refuses %j with INVALID_THREAD_ID', (id) => {
    // The id is checked before the handle touches the server.
    const err = (() => {
      try {
        new ThreadHandle(id, {} as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ThreadError);
    expect(err).toMatchObject({ code: 'INVALID_THREAD_ID', message: expect.stringMatching(/letters, digits and _ \. : -/) });
  });

  it.each(['a', 'support-42', 'tenant:acme.user_7', 'x'.repeat(128)])('accepts %j', (id) => {
    expect(new ThreadHandle(id, {} as never).workflowId).toBe(`thread-${id}`);
  });
});

describe('scripted model {{userMessages}}', () => {
  it('lists every user message of the conversation in order, joined by " | "', () => {
    const config = scriptedModelSchema.parse({ provider: 'scripted', script: [{ turns: [{ text: 'seen: {{userMessages}}' }] }] });
    const answer = scriptedAnswer('m', config, [
      new HumanMessage('one'),
      new AIMessage({ content: 'ok', tool_calls: [{ id: 'c1', name: 't', args: {}, type: 'tool_call' }] }),
      new ToolMessage({ content: 'done', tool_call_id: 'c1' }),
      new AIMessage('fine'),
      new HumanMessage('two'),
    ]);
    expect(answer.content).toBe('seen: one | two');
  });
});
