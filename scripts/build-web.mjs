#!/usr/bin/env node
// Builds the web app `harness serve` shows at `/` (web/) into dist/web: one bundled, minified
// app.js (esbuild), plus index.html and app.css as they are. Run by `npm run build` and by
// `prepare` (so `npm install` / `npm ci` in a clone produce it); the published package ships
// dist/web, so nothing is built at runtime. Plain Node: no tsx needed.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [`${root}web/src/main.ts`],
  outfile: `${out}/app.js`,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  metafile: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(`${root}web/${file}`, `${out}/${file}`);
// Served as is to browsers that accept gzip (all do): about a fifth of the size, no work per request.
const gzipped = gzipSync(readFileSync(`${out}/app.js`), { level: 9 });
writeFileSync(`${out}/app.js.gz`, gzipped);
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`web app built in dist/web: app.js ${Math.round(bytes / 1024)} KiB, ${Math.round(gzipped.length / 1024)} KiB gzipped`);
