/** `harness link`: mint a signed, expiring, single-use decision link for a pending approval. */
import { InvalidArgumentError, type Command } from 'commander';
import { LINK_SECRET_ENV, linkSecretFromEnv } from '../../client/decision-links.js';
import { contextFrom, withClient } from '../context.js';
import { c, out } from '../output.js';

interface LinkOptions {
  approval?: string;
  approver: string;
  role?: string[];
  decision: 'approve' | 'reject';
  expires: string;
  baseUrl: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function linkDecision(value: string): 'approve' | 'reject' {
  if (value !== 'approve' && value !== 'reject') throw new InvalidArgumentError('--decision is approve or reject (edits need the app).');
  return value;
}

/** Registers `harness link`. */
export function registerLink(program: Command): void {
  program
    .command('link')
    .summary('mint a decision link (approve or reject one pending approval, once, before it expires)')
    .description(
      `Mints a link that decides one pending approval as one approver, signed with ${LINK_SECRET_ENV} (the same secret ` +
        '`harness serve` checks links with). Opening it shows a confirmation page; only its button decides, once: ' +
        'the run refuses a second decision by that approver. Send it to the person by mail or chat.',
    )
    .argument('<run>', 'run id')
    .option('--approval <id>', 'approval id (default: the run’s only pending approval)')
    .requiredOption('--approver <name>', 'who the link is for; the decision is recorded under this name')
    .option('--role <role>', 'a role the approver decides as; repeatable', collect)
    .option('--decision <decision>', 'approve or reject', linkDecision, 'approve')
    .option('--expires <duration>', 'how long the link is valid (1s to 30d)', '24h')
    .option('--base-url <url>', 'where `harness serve` is reached', 'http://localhost:8787')
    .option('--json', 'print {url, token, expiresAt} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ export ${LINK_SECRET_ENV}=$(openssl rand -hex 32)   # the same for harness serve
  $ harness link run-1f0c… --approver ann --decision approve --expires 1h
  $ harness link run-1f0c… --approval call_3_0 --approver bob --decision reject --base-url https://harness.example.com`,
    )
    .action(async (runId: string, opts: LinkOptions, command: Command) => {
      const secret = linkSecretFromEnv(); // before connecting: without it nothing can be minted
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const link = await client.decisionLink(runId, {
          ...(opts.approval !== undefined && { approvalId: opts.approval }),
          approver: opts.approver,
          ...(opts.role?.length && { approverRoles: opts.role }),
          decision: opts.decision,
          expiresIn: opts.expires,
          secret,
        });
        const url = `${opts.baseUrl.replace(/\/+$/, '')}/links/decide/${link.token}`;
        if (opts.json) out(JSON.stringify({ url, token: link.token, expiresAt: link.expiresAt }));
        else out(url, c.dim(`${opts.decision} ${link.claims.approvalId} as ${opts.approver}; valid until ${link.expiresAt}, once.`));
      });
    });
}
