import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { createChatModel } from '../../src/models/create-chat-model.js';
import { ScriptExhaustedError } from '../../src/models/errors.js';
import { ScriptedChatModel, scriptedAnswer } from '../../src/models/scripted-model.js';
import { scriptedModelSchema, type ScriptedModelConfig } from '../../src/workspace/schema.js';

const script = (rules: unknown[]): ScriptedModelConfig => scriptedModelSchema.parse({ provider: 'scripted', script: rules });

const refundScript = script([
  {
    when: 'refund',
    turns: [
      { text: 'Looking up {{input}}', toolCalls: [{ name: 'lookup', args: { order: 'A-1' } }] },
      { toolCalls: [{ name: 'refund', args: { order: 'A-1' } }, { name: 'notify', args: {} }] },
      { text: 'Refund done: {{lastToolResult}}' },
    ],
  },
  { when: '^hello$', turns: [{ text: 'Hi there.' }] },
  { turns: [{ text: 'Fallback for {{input}}' }] },
]);

/** The conversation after the model answered and each tool call got a result. */
function withResults(messages: BaseMessage[], answer: AIMessage, result: (name: string) => string): BaseMessage[] {
  return [
    ...messages,
    answer,
    ...(answer.tool_calls ?? []).map((c) => new ToolMessage({ content: result(c.name), tool_call_id: c.id!, name: c.name })),
  ];
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return expect.unreachable('expected a throw');
}

describe('scriptedAnswer', () => {
  const start = [new SystemMessage('You are a support agent.'), new HumanMessage('Please refund order A-1')];

  it('gives the same answer, tool call ids included, for the same conversation', () => {
    const first = scriptedAnswer('m', refundScript, start);
    const again = scriptedAnswer('m', refundScript, [...start]);
    expect(again).toEqual(first);
    expect(first.tool_calls).toEqual([{ id: 'call_2_0', name: 'lookup', args: { order: 'A-1' }, type: 'tool_call' }]);

    const second = withResults(start, first, () => 'order A-1: paid');
    const turn2a = scriptedAnswer('m', refundScript, second);
    const turn2b = scriptedAnswer('m', refundScript, second);
    expect(turn2b.tool_calls).toEqual(turn2a.tool_calls);
    // Ids stay unique within the run: they come from the conversation length and the call position.
    expect(turn2a.tool_calls!.map((c) => c.id)).toEqual(['call_4_0', 'call_4_1']);
  });

  it('picks the turn by the number of AI messages since the last user message', () => {
    const t1 = scriptedAnswer('m', refundScript, start);
    expect(t1.tool_calls!.map((c) => c.name)).toEqual(['lookup']);
    const after1 = withResults(start, t1, () => 'paid');
    const t2 = scriptedAnswer('m', refundScript, after1);
    expect(t2.tool_calls!.map((c) => c.name)).toEqual(['refund', 'notify']);
    const after2 = withResults(after1, t2, (name) => `${name} ok`);
    const t3 = scriptedAnswer('m', refundScript, after2);
    expect(t3.content).toBe('Refund done: refund ok\nnotify ok');
    expect(t3.tool_calls).toEqual([]);

    // A new user message starts the count again, and AI messages before it do not count.
    const nextThread = [...after2, t3, new HumanMessage('refund B-2 too')];
    expect(scriptedAnswer('m', refundScript, nextThread).tool_calls!.map((c) => c.name)).toEqual(['lookup']);
  });

  it('chooses the first rule whose `when` regex matches the latest user message, case-insensitively', () => {
    expect(scriptedAnswer('m', refundScript, [new HumanMessage('HELLO')]).content).toBe('Hi there.');
    // `^hello$` does not match "hello you", so the rule without `when` answers.
    expect(scriptedAnswer('m', refundScript, [new HumanMessage('hello you')]).content).toBe('Fallback for hello you');
    // Only the latest user message counts.
    const convo = [new HumanMessage('refund A-1'), new AIMessage('ok'), new HumanMessage('hello')];
    expect(scriptedAnswer('m', refundScript, convo).content).toBe('Hi there.');
  });

  it('fills {{input}} with the latest user message and {{lastToolResult}} with the tool results after the last AI message', () => {
    expect(scriptedAnswer('m', refundScript, start).content).toBe('Looking up Please refund order A-1');
    const convo = [
      new HumanMessage('refund it'),
      new AIMessage({ content: '', tool_calls: [{ id: 'x', name: 'lookup', args: {}, type: 'tool_call' }] }),
      new ToolMessage({ content: 'old result', tool_call_id: 'x' }),
      new AIMessage({ content: '', tool_calls: [{ id: 'y', name: 'refund', args: {}, type: 'tool_call' }] }),
      new ToolMessage({ content: 'new result', tool_call_id: 'y' }),
    ];
    expect(scriptedAnswer('m', refundScript, convo).content).toBe('Refund done: new result');
  });

  it('throws ScriptExhaustedError naming the model and the turn when the rule has no more turns', () => {
    const one = script([{ turns: [{ toolCalls: [{ name: 'lookup', args: {} }] }] }]);
    const first = scriptedAnswer('helper', one, [new HumanMessage('go')]);
    const err = thrown(() => scriptedAnswer('helper', one, withResults([new HumanMessage('go')], first, () => 'r')));
    expect(err).toBeInstanceOf(ScriptExhaustedError);
    expect((err as ScriptExhaustedError).code).toBe('SCRIPT_EXHAUSTED');
    expect((err as Error).name).toBe('ScriptExhaustedError');
    expect((err as Error).message).toMatch(/Scripted model "helper" has no turn 2 for the latest user message \(rule 1, has 1\)/);
    expect((err as Error).message).not.toContain('"go"');
  });

  it('throws ScriptExhaustedError when no rule matches the input', () => {
    const strict = script([{ when: 'refund', turns: [{ text: 'ok' }] }]);
    const err = thrown(() => scriptedAnswer('helper', strict, [new HumanMessage('weather?')]));
    expect(err).toBeInstanceOf(ScriptExhaustedError);
    expect((err as Error).message).toContain('no rule matching the latest user message (8 characters; rules tried: "refund")');
    // The user's words never reach a failure message (history, logs, the Web UI).
    expect((err as Error).message).not.toContain('weather');
  });
});

describe('ScriptedChatModel', () => {
  it('answers through the LangChain interface, ignores bound tools, and is built by createChatModel', async () => {
    const model = await createChatModel('demo', refundScript);
    expect(model).toBeInstanceOf(ScriptedChatModel);
    const runnable = model.bindTools!([]);
    const a = (await runnable.invoke([new HumanMessage('hello')])) as AIMessage;
    expect(a.content).toBe('Hi there.');
    const b = (await model.invoke([new HumanMessage('refund A-1')])) as AIMessage;
    expect(b.tool_calls).toEqual([{ id: 'call_1_0', name: 'lookup', args: { order: 'A-1' }, type: 'tool_call' }]);
  });

  it('rejects with ScriptExhaustedError through invoke, every time (a retry gets the same error)', async () => {
    const model = await createChatModel('demo', script([{ when: 'x', turns: [{ text: 'x' }] }]));
    for (let i = 0; i < 2; i++) {
      await expect(model.invoke([new HumanMessage('nothing matches')])).rejects.toBeInstanceOf(ScriptExhaustedError);
    }
  });
});
