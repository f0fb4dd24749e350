#!/usr/bin/env node
// Plain-Node entry of the `harness` command. In a clone (src/ present) it runs the TypeScript
// sources through tsx, so `npm start` needs no build step and never runs a stale dist/. In the
// installed package (no src/) it runs the compiled dist/.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
