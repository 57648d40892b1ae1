/**
 * Finds a headless Chromium for the end-to-end tests and the PDF report: `VEIL_CHROMIUM`, else a
 * system Chromium/Chrome, else the build bundled in the npm package `@sparticuz/chromium` (Linux
 * x64; decompressed once into a per-user folder under the OS temp dir). It launches nothing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { AppError } from '../../shared/contract/errors.ts';

export type BrowserSource = 'env' | 'system' | 'bundled';

export interface ResolvedBrowser {
  /** absolute path of the Chromium/Chrome binary */
  executablePath: string;
  /** command-line flags for a headless launch */
  args: string[];
  /** environment entries the binary needs on top of the caller's (the bundled build's fonts) */
  env: Record<string, string>;
  source: BrowserSource;
}

export interface ResolveOptions {
  /** `bundled` skips the environment and the system (tests keep that path covered) */
  only?: 'bundled';
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  /** absolute paths tried before PATH lookups (defaults per platform) */
  systemPaths?: string[];
  /** where the bundled build is decompressed (default: `<tmpdir>/veil-chromium-<version>-<user>`) */
  bundleDir?: string;
}

/** Headless flags for a system Chromium (DESIGN.md section 10); playwright adds a fresh profile. */
export const SYSTEM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Binary names looked up on PATH, in order. */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function defaultSystemPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
  if (platform === 'win32') {
    return [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((d): d is string => !!d).map((d) => join(d, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  return ['/usr/bin/chromium'];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The system Chromium, or null when there is none. */
export function findSystemChromium(opts: ResolveOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const fixed = (opts.systemPaths ?? defaultSystemPaths(platform, env)).find(isExecutable);
  return fixed ?? onPath(env);
}

/** The bundled build can run here: the npm package ships a Linux x64 build only. */
export function bundledSupported(opts: ResolveOptions = {}): boolean {
  return (opts.platform ?? process.platform) === 'linux' && (opts.arch ?? process.arch) === 'x64';
}

export async function resolveChromium(opts: ResolveOptions = {}): Promise<ResolvedBrowser> {
  const env = opts.env ?? process.env;
  if (opts.only !== 'bundled') {
    const fromEnv = env.VEIL_CHROMIUM;
    if (fromEnv) {
      if (!isExecutable(fromEnv)) throw new AppError('NOT_FOUND', `VEIL_CHROMIUM points at ${fromEnv}, which is not an executable file. Point it at a Chrome/Chromium binary, or unset it to use the system's or the bundled one.`);
      return { executablePath: fromEnv, args: SYSTEM_ARGS, env: {}, source: 'env' };
    }
    const system = findSystemChromium(opts);
    if (system) return { executablePath: system, args: SYSTEM_ARGS, env: {}, source: 'system' };
  }
  if (!bundledSupported(opts)) {
    throw new AppError(
      'UNSUPPORTED',
      `No Chromium found, and the bundled one runs on Linux x64 only (this is ${opts.platform ?? process.platform} ${opts.arch ?? process.arch}). Install Google Chrome or Chromium, or set VEIL_CHROMIUM to a Chrome/Chromium binary.`,
    );
  }
  return bundledChromium(opts.bundleDir);
}

/**
 * `@sparticuz/chromium`'s flags without the two that weaken the page's own security
 * (`--disable-web-security`, `--allow-running-insecure-content`): the studio's CSP and
 * same-origin rules must hold in tests as they do for users. **[ours]**
 */
async function bundledArgs(): Promise<string[]> {
  const { default: Chromium } = await import('@sparticuz/chromium');
  const weakening = new Set(['--disable-web-security', '--allow-running-insecure-content']);
  return Chromium.args.filter((a) => !weakening.has(a));
}

let bundled: Promise<ResolvedBrowser> | null = null;

/** Decompresses the bundled build once per process (and once per machine: the folder is reused). */
function bundledChromium(dir?: string): Promise<ResolvedBrowser> {
  if (dir) return extractBundled(dir);
  bundled ??= extractBundled().catch((err: unknown) => {
    bundled = null;
    throw err;
  });
  return bundled;
}

async function extractBundled(dir?: string): Promise<ResolvedBrowser> {
  const target = dir ?? join(tmpdir(), `veil-chromium-${bundledVersion()}-${userInfo().uid}`);
  if (!existsSync(join(target, 'chromium'))) await inflateInto(target);
  return { executablePath: join(target, 'chromium'), args: await bundledArgs(), env: { FONTCONFIG_PATH: join(target, 'fonts') }, source: 'bundled' };
}

/** The package's version (its exports hide package.json, so read it beside the entry's folder). */
function bundledVersion(): string {
  const path = join(dirname(bundledEntry()), '..', 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** The package's entry file, resolved from here (works from source, under Vitest and when bundled). */
function bundledEntry(): string {
  return createRequire(import.meta.url).resolve('@sparticuz/chromium');
}

/**
 * The package decompresses into the OS temp dir of the process that calls it, so a child process
 * does it into a fresh staging folder, which is then renamed into place in one step: another
 * process (a parallel test run) sees the whole build or none of it.
 */
async function inflateInto(target: string): Promise<void> {
  const staging = mkdtempSync(`${target}.staging-`);
  const entry = pathToFileURL(bundledEntry()).href;
  const script = `import(${JSON.stringify(entry)}).then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging, ELECTRON_RUN_AS_NODE: '1' },
      maxBuffer: 1 << 20,
    });
    if (stdout !== join(staging, 'chromium')) throw new Error(`it decompressed to ${stdout}, not into ${staging}`);
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(join(target, 'chromium'))) return; // another process put its copy in place first
    throw new AppError('IO', `Could not decompress the bundled Chromium into ${target} (${(err as Error).message}). Free some space in ${tmpdir()}, or set VEIL_CHROMIUM to a Chrome/Chromium binary.`);
  }
}
