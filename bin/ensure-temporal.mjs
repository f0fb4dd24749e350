#!/usr/bin/env node
// Plain-Node entry for package.json's `prepare` script: load tsx so the TypeScript source runs
// without a build step, then hand over to src/devserver/ensure-cli.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/devserver/ensure-cli.ts', import.meta.url).href);
