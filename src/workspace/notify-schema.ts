/**
 * Approval notifications in the workspace file: webhooks an agent (or one tool's approval rule)
 * sends when an approval is requested, decided or timed out. The signing secret is named by an
 * environment variable the worker reads, never written in the file.
 */
import { z } from 'zod';
import { duration } from './schema-primitives.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, e.g. "HARNESS_WEBHOOK_SECRET"');

/** One webhook: where it goes, which approval events it gets, in which body, signed with which secret. */
const notifyTargetSchema = z
  .strictObject({
    /** The receiver's URL (http or https). A Slack incoming-webhook URL is itself a secret: give it with `urlEnv`. */
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000).optional(),
    /** An environment variable holding the URL, read by the worker when it sends. */
    urlEnv: envName.optional(),
    /** A name for this webhook in the run's events; default: the URL's host, or the `urlEnv` name. */
    name: z.string().min(1).max(100).optional(),
    /** @default [requested, decided, timed_out] */
    events: z.array(z.enum(['requested', 'decided', 'timed_out'])).min(1).default(['requested', 'decided', 'timed_out']),
    /** `json`: the harness's own signed body; `slack`: a Slack incoming-webhook body `{ text, blocks }`. */
    format: z.enum(['json', 'slack']).default('json'),
    /**
     * With `format: slack` and `requested` events: Approve / Reject buttons under the message. A click
     * reaches `harness serve`'s `POST /slack/actions` (your Slack app's Interactivity Request URL),
     * which checks Slack's signature and decides as the Slack user's mapped harness name.
     */
    buttons: z.boolean().default(false),
    /** An environment variable holding the HMAC-SHA256 secret that signs each request (`X-Harness-Signature`). */
    secretEnv: envName.optional(),
    /** How often and how patiently a failing receiver is retried. */
    retry: z
      .strictObject({
        maximumAttempts: z.number().int().min(1).max(20).default(5),
        initialInterval: duration.default(1000),
        backoffCoefficient: z.number().min(1).max(10).default(2),
        maximumInterval: duration.default(30_000),
      })
      .prefault({}),
  })
  .refine((t) => (t.url === undefined) !== (t.urlEnv === undefined), { message: 'give exactly one of `url` and `urlEnv`' })
  .refine((t) => !t.buttons || t.format === 'slack', { message: '`buttons: true` needs `format: slack` (buttons are Slack message blocks)', path: ['buttons'] });

/** The webhooks of an agent or an approval rule. */
export const notifySchema = z.array(notifyTargetSchema).min(1).max(10).optional();

export type NotifyTargetConfig = z.output<typeof notifyTargetSchema>;
