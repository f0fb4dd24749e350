/**
 * Every `harness` command's help renders cleanly and shows how to use it: a description whose
 * line breaks fall only between paragraphs or before an indented line (commander wraps the rest to
 * the terminal), and an "Examples:" section naming the command itself.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

/** Every command below the program, with its full name (`schedule create`). */
function commands(parent: Command, prefix = ''): { name: string; command: Command }[] {
  return parent.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const name = `${prefix}${c.name()}`;
      return [{ name, command: c }, ...commands(c, `${name} `)];
    });
}

/** Help text as `harness <name> --help` prints it, at a fixed width. */
function helpOf(command: Command): string {
  command.configureOutput({ getOutHelpWidth: () => 100 });
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => 100 });
  command.outputHelp();
  return text;
}

const all = commands(buildProgram());

describe('harness help texts', () => {
  it('finds the commands', () => {
    expect(all.map((c) => c.name)).toEqual(expect.arrayContaining(['run', 'status', 'watch', 'inbox', 'demo', 'edit', 'schedule create', 'memory list']));
  });

  it.each(all.map((c) => [c.name, c.command] as const))('`harness %s` breaks lines only between paragraphs', (_name, command) => {
    const lines = command.description().split('\n');
    const midSentence = lines.filter((line, i) => {
      const next = lines[i + 1];
      // A break is fine after a blank line, before a blank or indented line, or at the end.
      return next !== undefined && line.trim() !== '' && next.trim() !== '' && !/^\s/.test(next) && !/^\s/.test(line);
    });
    expect(midSentence, `lines of the description that end mid-paragraph`).toEqual([]);
  });

  it.each(all.filter((c) => c.command.commands.length === 0).map((c) => [c.name, c.command] as const))(
    '`harness %s --help` has examples of itself',
    (name, command) => {
      const help = helpOf(command);
      expect(help).toContain('Examples:');
      const examples = help.slice(help.indexOf('Examples:'));
      expect(examples).toContain(`harness ${name}`);
    },
  );
});
