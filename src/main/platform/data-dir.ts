/**
 * Where the studio keeps its data: `--data-dir`, else `$VEIL_HOME`, else the platform's user-data
 * folder (the same one Electron's `app.getPath('userData')` uses for "Veil Studio").
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_FOLDER = 'Veil Studio';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
}

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.VEIL_HOME ?? defaultDataDir(env));
}
