import { describe, expect, it } from 'vitest';
import { devServerArgs } from '../../src/devserver/dev-server.js';
import { DECISION_LIMITS } from '../../src/workflows/run/contract.js';
import { DEV_SERVER_DYNAMIC_CONFIG, describeDynamicConfig, dynamicConfigArgs } from '../../src/devserver/dynamic-config.js';

const BASE = { ip: '127.0.0.1', port: 7233, namespace: 'default', logLevel: 'warn' as const };

/** The `--dynamic-config-value` pairs of an argv, as a map (later keys win, as in the CLI). */
function dynamicConfigOf(args: string[]): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  args.forEach((arg, i) => {
    if (arg !== '--dynamic-config-value') return;
    const [key, json] = args[i + 1]!.split(/=(.*)/s) as [string, string];
    found[key] = JSON.parse(json);
  });
  return found;
}

describe('dev-server dynamic config', () => {
  it('raises the per-shard queue reader rates above the 20/s default and turns on eager activities', () => {
    expect(DEV_SERVER_DYNAMIC_CONFIG).toMatchObject({
      'history.transferProcessorMaxPollRPS': expect.any(Number),
      'history.timerProcessorMaxPollRPS': expect.any(Number),
      'history.visibilityProcessorMaxPollRPS': expect.any(Number),
      'system.enableActivityEagerExecution': true,
    });
    for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
      if (key.endsWith('MaxPollRPS')) expect(value, key).toBeGreaterThanOrEqual(200);
    }
  });

  it('caps a single payload well under 2 MB, and above the largest approval decision', () => {
    const error = DEV_SERVER_DYNAMIC_CONFIG['limit.blobSize.error'] as number;
    expect(error).toBeLessThan(2 * 1024 * 1024);
    expect(error).toBeGreaterThan(DECISION_LIMITS.payloadBytes);
    expect(DEV_SERVER_DYNAMIC_CONFIG['limit.blobSize.warn']).toBeLessThan(error);
  });

  it('the launcher passes every entry to start-dev by default', () => {
    expect(dynamicConfigOf(devServerArgs(BASE))).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
  });

  it('an explicit map replaces the default, and {} leaves the server on its own defaults', () => {
    expect(dynamicConfigOf(devServerArgs({ ...BASE, dynamicConfig: { 'history.transferProcessorMaxPollRPS': 10 } }))).toEqual({
      'history.transferProcessorMaxPollRPS': 10,
    });
    expect(devServerArgs({ ...BASE, dynamicConfig: {} })).not.toContain('--dynamic-config-value');
  });

  it('extraArgs come after the dynamic config, so a repeated key overrides it', () => {
    const args = devServerArgs({ ...BASE, extraArgs: ['--dynamic-config-value', 'history.transferProcessorMaxPollRPS=20'] });
    expect(dynamicConfigOf(args)['history.transferProcessorMaxPollRPS']).toBe(20);
  });

  it('values are JSON, as --dynamic-config-value expects', () => {
    expect(dynamicConfigArgs({ a: 1, b: true, c: 'x' })).toEqual([
      '--dynamic-config-value',
      'a=1',
      '--dynamic-config-value',
      'b=true',
      '--dynamic-config-value',
      'c="x"',
    ]);
    expect(describeDynamicConfig({ a: 1, b: true })).toBe('a=1, b=true');
    expect(describeDynamicConfig({})).toBe("Temporal's defaults");
  });
});
