/**
 * Debian's Chromium for browser tests, driven by playwright-core (which never downloads a browser
 * here). `CHROMIUM_PATH` overrides the default `/usr/bin/chromium`.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium executable, if there is one. */
export const CHROMIUM = CANDIDATES.find((file): file is string => !!file && existsSync(file));

/** Why a browser test cannot run, and how to fix it. */
export const NO_CHROMIUM =
  `no Chromium executable (looked for ${CANDIDATES.filter(Boolean).join(', ')}): ` +
  'install it with `apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH';
