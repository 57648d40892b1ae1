/**
 * Finds a Python that imports torch for the side-by-side benchmark: `VEIL_PYTHON`, then Debian's
 * /usr/bin/python3, then python3 and python on PATH (a pyenv shim without torch is passed over).
 * Says what to install when none does. Runs each candidate once with a short import check.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface PythonFound {
  path: string;
  torch: string;
}

export interface FindPythonOptions {
  env?: NodeJS.ProcessEnv;
  /** absolute paths tried after VEIL_PYTHON and before PATH */
  fixed?: string[];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** torch's version when `python` imports it, else null. */
export function torchVersion(python: string): string | null {
  try {
    return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).trim() || null;
  } catch {
    return null;
  }
}

function candidates(env: NodeJS.ProcessEnv, fixed: string[]): string[] {
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => ['python3', 'python'].map((n) => join(dir, n)));
  return [...new Set([...fixed, ...onPath])].filter(executable);
}

export function findTorchPython(opts: FindPythonOptions = {}): PythonFound {
  const env = opts.env ?? process.env;
  if (env.VEIL_PYTHON) {
    const torch = torchVersion(env.VEIL_PYTHON);
    if (!torch) throw new Error(`VEIL_PYTHON is ${env.VEIL_PYTHON}, which cannot import torch. Install PyTorch for it, or point VEIL_PYTHON at a Python that has it (Debian: /usr/bin/python3 with python3-torch).`);
    return { path: env.VEIL_PYTHON, torch };
  }
  const tried = candidates(env, opts.fixed ?? ['/usr/bin/python3']);
  for (const path of tried) {
    const torch = torchVersion(path);
    if (torch) return { path, torch };
  }
  throw new Error(
    `No Python that imports torch was found (tried: ${tried.join(', ') || 'none on PATH'}). Install Debian's PyTorch with \`sudo apt-get install python3-torch\` (or \`pip install torch\` for your Python), or set VEIL_PYTHON to a Python that imports torch.`,
  );
}
