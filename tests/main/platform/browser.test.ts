import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveChromium, SYSTEM_ARGS } from '../../../src/main/platform/browser.ts';
import { tempDir } from '../../helpers/temp.ts';

function fakeBinary(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('finding a Chromium', () => {
  const dir = tempDir();
  const nothing = { systemPaths: [join(dir, 'no-such-chromium')], env: { PATH: join(dir, 'empty') } };

  it('takes VEIL_CHROMIUM first, even when a system Chromium exists', async () => {
    const mine = fakeBinary(dir, 'my-chrome');
    const system = fakeBinary(dir, 'chromium');
    const found = await resolveChromium({ systemPaths: [system], env: { VEIL_CHROMIUM: mine, PATH: dir } });
    expect(found).toEqual({ executablePath: mine, args: SYSTEM_ARGS, env: {}, source: 'env' });
  });

  it('refuses a VEIL_CHROMIUM that is not an executable, saying what to do', async () => {
    const err = await resolveChromium({ ...nothing, env: { VEIL_CHROMIUM: join(dir, 'missing') } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/VEIL_CHROMIUM points at .*missing.*unset it/) });
  });

  it('then takes the system Chromium at its fixed path', async () => {
    const system = fakeBinary(dir, 'chromium');
    expect(await resolveChromium({ systemPaths: [system], env: {} })).toMatchObject({ executablePath: system, source: 'system' });
  });

  it('then looks for chromium or google-chrome on PATH', async () => {
    const bin = tempDir();
    const chrome = fakeBinary(bin, 'google-chrome');
    writeFileSync(join(bin, 'chromium'), 'not executable');
    expect(await resolveChromium({ ...nothing, env: { PATH: `${join(dir, 'empty')}:${bin}` } })).toMatchObject({ executablePath: chrome, source: 'system' });
  });

  it('says what to install where nothing is found and no bundled build runs', async () => {
    const err = await resolveChromium({ ...nothing, platform: 'darwin', arch: 'arm64' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/Linux x64 only.*Install Google Chrome or Chromium, or set VEIL_CHROMIUM/) });
  });

  it('falls back to the bundled build on Linux x64, with its headless flags but not the ones that weaken page security', async () => {
    const found = await resolveChromium({ ...nothing, platform: 'linux', arch: 'x64' });
    expect(found.source).toBe('bundled');
    expect(existsSync(found.executablePath)).toBe(true);
    expect(found.args).toEqual(expect.arrayContaining(['--no-sandbox', "--headless='shell'"]));
    expect(found.args).not.toContain('--disable-web-security');
    expect(found.args).not.toContain('--allow-running-insecure-content');
    expect(existsSync(join(found.env.FONTCONFIG_PATH, 'fonts.conf'))).toBe(true);
  });
});
