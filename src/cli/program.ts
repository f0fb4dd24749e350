/**
 * The `harness` command tree: global options, help and every command (each in its own module
 * under ./commands). Built without running anything, so tests can walk it (help texts, examples).
 */
import { Command, Option } from 'commander';
import { registerAnswer } from './commands/answer.js';
import { registerCodecServer } from './commands/codec-server.js';
import { registerDecide } from './commands/decide.js';
import { registerDemo } from './commands/demo.js';
import { registerDev } from './commands/dev.js';
import { registerFork } from './commands/fork.js';
import { registerGrants } from './commands/grants.js';
import { registerInbox } from './commands/inbox.js';
import { registerLink } from './commands/link.js';
import { registerMcp } from './commands/mcp.js';
import { registerMemory } from './commands/memory.js';
import { registerPayloads } from './commands/payloads.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerTranscript } from './commands/transcript.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../common/defaults.js';

/** The `harness` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('harness')
    .description(
      'Durable, human-in-the-loop agent runs on Temporal: every run is a workflow, every approval a signal or update.',
    )
    .version('0.1.0', '-V, --version')
    .addOption(new Option('--address <host:port>', `Temporal server address (default: $TEMPORAL_ADDRESS or ${DEFAULT_ADDRESS})`))
    .addOption(new Option('--namespace <name>', `Temporal namespace (default: $TEMPORAL_NAMESPACE or ${DEFAULT_NAMESPACE})`))
    .addOption(new Option('--task-queue <name>', `task queue of the workers (default: $HARNESS_TASK_QUEUE or ${DEFAULT_TASK_QUEUE})`))
    .addOption(new Option('--workspace <file>', 'workspace file (default: $HARNESS_WORKSPACE or ./harness.yaml)'))
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Getting started:
  $ npm start                                  # the demo: a run that waits for an approval
  $ harness dev                                # local server + Web UI + worker (leave it running)
  $ harness run --follow "Please refund order A-1001"
  $ harness list --state waiting_for_approval
  $ harness approve <run> --by ann --reason "customer verified"

Global options go before or after the command. Each command has its own --help with examples.`,
    );

  registerDemo(program);
  registerDev(program);
  registerWorker(program);
  registerRun(program);
  registerStatus(program);
  registerTranscript(program);
  registerWatch(program);
  registerDecide(program);
  registerFork(program);
  registerAnswer(program);
  registerLink(program);
  registerInbox(program);
  registerGrants(program);
  registerRuns(program);
  registerSchedule(program);
  registerMemory(program);
  registerPayloads(program);
  registerCodecServer(program);
  registerServe(program);
  registerMcp(program);
  return program;
}

