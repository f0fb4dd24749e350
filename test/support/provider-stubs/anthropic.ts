/** Anthropic Messages API streaming: `event:`/`data:` SSE (message_start … message_stop). */
import type { ServerResponse } from 'node:http';
import { isStubError, pieces, type StubAnswer } from './server.js';

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error' };

export function writeAnthropic(res: ServerResponse, answer: StubAnswer): void {
  if (isStubError(answer)) {
    const { status, message } = answer.error;
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_stub' });
    res.end(JSON.stringify({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: string, data: object) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send('message_start', {
    message: { id: 'msg_stub', type: 'message', role: 'assistant', model: 'claude-stub', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: answer.usage.input, output_tokens: 1 } },
  });
  let index = 0;
  if (answer.text !== undefined) {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const text of pieces(answer.text)) send('content_block_delta', { index, delta: { type: 'text_delta', text } });
    send('content_block_stop', { index });
    index++;
  }
  if (answer.toolCall) {
    const { id, name, args } = answer.toolCall;
    send('content_block_start', { index, content_block: { type: 'tool_use', id, name, input: {} } });
    const json = JSON.stringify(args);
    const half = Math.floor(json.length / 2);
    for (const partial_json of [json.slice(0, half), json.slice(half)]) send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: answer.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: answer.usage.output } });
  send('message_stop', {});
  res.end();
}
