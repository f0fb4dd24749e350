/**
 * The boxes a person uses for what a run waits for besides approvals: the answer to an
 * `ask_human` question (free text), and the result of a client tool call (the fields of the
 * tool's output schema when it is a flat object, else JSON), or an error. Shared by the chat and
 * the inbox. What is typed survives redraws (the chat redraws on every streamed chunk).
 */
import { h, pretty } from './dom.js';

/** Typed text per box field (`<id>:<field>`), kept across redraws. */
const drafts = new Map<string, string>();

function kept<E extends HTMLInputElement | HTMLTextAreaElement>(el: E, key: string): E {
  const draft = drafts.get(key);
  if (draft !== undefined) el.value = draft;
  el.addEventListener('input', () => drafts.set(key, el.value));
  return el;
}

/** Forgets what was typed for `id` (after it was sent). */
export const forgetDraft = (id: string) => {
  for (const key of [...drafts.keys()]) if (key.startsWith(`${id}:`)) drafts.delete(key);
};

/** The answer box of a question: `answer` gets the text. */
export function questionBox(id: string, question: string, answer: (text: string) => void): HTMLElement {
  const text = kept(h('textarea', { class: 'answer', rows: '3', 'aria-label': 'answer', placeholder: 'Your answer' }), `${id}:answer`);
  const problem = h('div', { class: 'problem', role: 'alert' });
  const send = () => {
    if (!text.value.trim()) {
      problem.textContent = 'Write an answer first.';
      return;
    }
    answer(text.value.trim());
  };
  return h(
    'div',
    { class: 'question-box' },
    h('div', { class: 'label' }, 'The agent asks you'),
    h('p', { class: 'question' }, question),
    text,
    h('div', { class: 'buttons' }, h('button', { class: 'approve', onclick: send }, 'Answer')),
    problem,
  );
}

type Field = { name: string; type: 'string' | 'number' | 'integer' | 'boolean'; required: boolean };

/** The fields of a flat object schema (primitive properties only), or undefined for any other schema. */
function fieldsOf(schema: Record<string, unknown> | undefined): Field[] | undefined {
  if (!schema || schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) return undefined;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const fields: Field[] = [];
  for (const [name, prop] of Object.entries(schema.properties as Record<string, { type?: unknown }>)) {
    if (prop.type !== 'string' && prop.type !== 'number' && prop.type !== 'integer' && prop.type !== 'boolean') return undefined;
    fields.push({ name, type: prop.type, required: required.has(name) });
  }
  return fields.length > 0 ? fields : undefined;
}

/** The result box of a client tool call: `supply` gets the result (or the error text, `isError`). */
export function toolResultBox(
  id: string,
  input: unknown,
  outputSchema: Record<string, unknown> | undefined,
  supply: (result: unknown, isError: boolean) => void,
): HTMLElement {
  const problem = h('div', { class: 'problem', role: 'alert' });
  const fields = fieldsOf(outputSchema);
  const inputs = (fields ?? []).map((f) =>
    f.type === 'boolean'
      ? { f, el: h('input', { type: 'checkbox', 'aria-label': f.name }) }
      : { f, el: kept(h('input', { type: 'text', 'aria-label': f.name, placeholder: `${f.type}${f.required ? '' : ' (optional)'}` }), `${id}:${f.name}`) },
  );
  const json = fields ? undefined : kept(h('textarea', { class: 'edit', rows: '4', 'aria-label': 'result (JSON or text)', placeholder: 'result: JSON, or plain text' }), `${id}:json`);
  const errorText = kept(h('input', { type: 'text', class: 'reason', 'aria-label': 'error', placeholder: 'or what went wrong' }), `${id}:error`);
  const result = (): unknown => {
    if (json) {
      const text = json.value.trim();
      if (!text) throw new Error('write a result first');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text; // plain text is a string result
      }
    }
    const out: Record<string, unknown> = {};
    for (const { f, el } of inputs) {
      if (f.type === 'boolean') {
        out[f.name] = el.checked;
        continue;
      }
      const value = el.value.trim();
      if (value === '') {
        if (f.required) throw new Error(`${f.name} is required`);
        continue;
      }
      const n = Number(value);
      if (f.type !== 'string' && Number.isNaN(n)) throw new Error(`${f.name} must be a number`);
      out[f.name] = f.type === 'string' ? value : n;
    }
    return out;
  };
  const send = () => {
    try {
      supply(result(), false);
    } catch (err) {
      problem.textContent = `Not valid: ${(err as Error).message}`;
    }
  };
  const fail = () => {
    if (!errorText.value.trim()) {
      problem.textContent = 'Say what went wrong first.';
      return;
    }
    supply(errorText.value.trim(), true);
  };
  return h(
    'div',
    { class: 'tool-result-box' },
    h('div', { class: 'label' }, 'Waiting for the result from you'),
    h('pre', { class: 'input' }, pretty(input)),
    ...(fields ? inputs.map(({ f, el }) => h('label', { class: 'field' }, h('span', {}, f.name), el)) : [json!]),
    h('div', { class: 'buttons' }, h('button', { class: 'approve', onclick: send }, 'Send result'), h('button', { class: 'reject', onclick: fail }, 'Send as error'), errorText),
    problem,
  );
}
