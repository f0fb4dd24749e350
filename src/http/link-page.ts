/**
 * The HTML of the decision-link pages: the confirmation page a link opens (its form POSTs back to
 * the same URL) and the answer pages. Plain, escaped server-rendered HTML: no scripts, no assets.
 */
import type { DecisionLinkClaims } from '../client/decision-links.js';
import type { PendingApproval } from '../workflows/run/contract.js';

/** Headers of every link page: never cached, never framed, never sent on as a Referer (the URL is a credential). */
export const LINK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Robots-Tag': 'noindex',
};

const MAX_INPUT_SHOWN = 2000;

/** The confirmation page: what will be decided, and one button that POSTs it. */
export function confirmationPage(claims: DecisionLinkClaims, approval: PendingApproval): string {
  const verb = claims.decision === 'approve' ? 'Approve' : 'Reject';
  let input = JSON.stringify(approval.input, null, 2);
  if (input.length > MAX_INPUT_SHOWN) input = `${input.slice(0, MAX_INPUT_SHOWN)}…`;
  return page(
    `${verb} ${approval.toolName}?`,
    `<p>Run <code>${esc(claims.runId)}</code> asks to call <b>${esc(approval.toolName)}</b> (approval <code>${esc(claims.approvalId)}</code>) with:</p>
<pre>${esc(input)}</pre>
<p>You decide as <b>${esc(claims.approver)}</b>. This link works once and expires at ${esc(new Date(claims.expiresAtMs).toISOString())}.</p>
<form method="post"><button type="submit" name="confirm" value="yes">${verb}</button></form>`,
  );
}

/** A page with a title and one paragraph (decided, refused, expired…), and the stable code of a refusal. */
export function messagePage(title: string, message: string, code?: string): string {
  return page(title, `<p>${esc(message)}</p>${code === undefined ? '' : `\n<p><small>code: <code>${esc(code)}</code></small></p>`}`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.75rem;overflow:auto}button{font-size:1.1rem;padding:.5rem 1.5rem}</style>
</head><body><h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
