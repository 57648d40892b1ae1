/**
 * The Electron shell's opener for `files.open`: the checked report or export folder (see
 * ipc/handlers/files.ts: recorded by the studio, inside its data directory) opens with the OS.
 */
import { shell } from 'electron';
import { AppError } from '../../shared/contract/errors.ts';
import type { Opener } from '../ipc/handlers/files.ts';

export const openWithSystem: Opener = async ({ path }) => {
  const error = await shell.openPath(path);
  if (error) throw new AppError('IO', `The system could not open ${path} (${error}). Open it yourself from its path.`);
  return { opened: 'os', url: null };
};
