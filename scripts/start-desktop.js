#!/usr/bin/env node
// `npm start`: builds the bundles and launches the Electron studio window. Where Electron's binary
// cannot be installed (it downloads on first launch), says so and points at the browser mode.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Electron executable if it is really there; null where only the package is installed. */
function findElectron() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = readFileSync(pathFile, 'utf8').trim();
  const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), exe);
  return existsSync(candidate) ? candidate : null;
}

const electronBinary = findElectron();

if (!electronBinary) {
  process.stderr.write(
    [
      'Electron\'s binary is not installed on this machine (the electron package fetches it on first launch,',
      'which needs access to its download host). Two ways on:',
      '  1. On a machine with internet access: `npx install-electron` (or reinstall electron), then `npm start`.',
      '  2. Use the studio in a browser, with everything else identical: `npm run build && npx veil serve`,',
      '     then open the URL it prints.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'inherit' });
spawn(electronBinary, ['.'], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
