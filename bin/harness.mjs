#!/usr/bin/env node
// Plain-Node entry of the `harness` command: load tsx so the TypeScript source runs without a
// build step, then hand over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
