/** Ollama `/api/chat` streaming: one JSON object a line (NDJSON), the last with `done: true` and the counts. */
import type { ServerResponse } from 'node:http';
import { isStubError, pieces, type StubAnswer } from './server.js';

export function writeOllama(res: ServerResponse, answer: StubAnswer): void {
  if (isStubError(answer)) {
    res.writeHead(answer.error.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: answer.error.message }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const line = (message: object, done: object | undefined) =>
    res.write(`${JSON.stringify({ model: 'llama-stub', created_at: new Date().toISOString(), message: { role: 'assistant', content: '', ...message }, done: done !== undefined, ...done })}\n`);
  for (const content of answer.text === undefined ? [] : pieces(answer.text)) line({ content }, undefined);
  if (answer.toolCall) line({ tool_calls: [{ function: { name: answer.toolCall.name, arguments: answer.toolCall.args } }] }, undefined);
  line({}, { done_reason: 'stop', total_duration: 1_000_000, prompt_eval_count: answer.usage.input, eval_count: answer.usage.output });
  res.end();
}
