/**
 * The fenced code blocks of a Markdown file, with where they are (file, line, heading), and the
 * shell commands of a shell block, one per command (comments dropped, `\` continuations joined).
 * Used by test/docs/doc-blocks.int.test.ts, which runs every block that can run here.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface DocBlock {
  /** Path relative to the repo root, e.g. `README.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string (`bash`, `ts`, `yaml`…); empty when none. */
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  heading: string;
}

/** Where a block is, for failure messages: `README.md:423 ("## CLI", bash)`. */
export function where(b: DocBlock): string {
  return `${b.file}:${b.line} (under "${b.heading}", ${b.lang || 'no language'} block)`;
}

/** Every fenced block of `path` (indented fences inside lists included). */
export function extractBlocks(path: string, root: string): DocBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  let heading = '(top of file)';
  let open: { line: number; lang: string; indent: number; body: string[] } | undefined;
  lines.forEach((text, i) => {
    const fence = /^(\s*)(```+)\s*([\w-]*)/.exec(text);
    if (open) {
      if (fence && fence[3] === '' && text.trim().startsWith('```')) {
        blocks.push({ file: relative(root, path), line: open.line, lang: open.lang, code: open.body.join('\n'), heading });
        open = undefined;
      } else open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
      return;
    }
    if (fence) open = { line: i + 1, lang: fence[3] ?? '', indent: fence[1]!.length, body: [] };
    else if (/^#{1,6} /.test(text)) heading = text.trim();
  });
  return blocks;
}

/** The commands of a shell block: comments and blank lines dropped, `\` continuations joined. */
export function shellCommands(code: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const raw of code.split('\n')) {
    const line = stripComment(raw).trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const command = (pending + line.trim()).trim();
    pending = '';
    if (command) commands.push(command);
  }
  return commands;
}

/** A line without its trailing `# comment` (a `#` outside quotes, after whitespace or at the start). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}
