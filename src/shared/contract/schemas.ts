/**
 * One validation schema per contract method (zod). Every transport (IPC, HTTP, CLI) validates
 * a request here, once, before the handler runs; handlers trust their input.
 */
import { z } from 'zod';
import { ATTACK_KINDS, DECODER_LOSSES, JUDGE_KINDS, KEY_MODES, WHITEBOX_PRIORS } from '../domain/attack.ts';
import { BACKENDS, DEFAULT_BACKBONE_CHOICE, DEFENSES } from '../domain/run.ts';

const name = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(80, 'names are at most 80 characters')
  .regex(/^[^\u0000-\u001f/\\]+$/, 'names may not contain control characters or slashes');

/** A dataset or run reference: its id or its name. */
const ref = z.string().trim().min(1, 'a dataset or run id or name is required').max(200);

const seed = z.number().int().min(0).max(2 ** 31 - 1);

/** Fraction of identities held apart for open-set verification (DESIGN.md section 4). */
const evalFraction = z.number().min(0).max(0.5).default(0);

export const empty = z.object({}).strict();

export const datasetsSynth = z
  .object({
    name,
    identities: z.number().int().min(2).max(1000).default(40),
    perIdentity: z.number().int().min(2).max(200).default(10),
    size: z.union([z.literal(32), z.literal(64), z.literal(112)]).default(64),
    color: z.boolean().default(false),
    seed: seed.default(1),
    evalFraction,
  })
  .strict();

export const datasetsImport = z
  .object({
    dir: z.string().min(1, 'the folder to import is required').max(4096),
    name,
    size: z
      .number()
      .int()
      .min(16)
      .max(512)
      .refine((v) => v % 8 === 0, 'size must be a multiple of 8 (the frequency front end works on 8x8 blocks)')
      .default(112),
    color: z.boolean().default(false),
    seed: seed.default(1),
    evalFraction,
  })
  .strict();

export const datasetRef = z.object({ dataset: ref }).strict();

export const datasetsImages = z
  .object({
    dataset: ref,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(60),
    /** only this identity's images (its label); `total` then counts that identity's images */
    label: z.number().int().min(0).optional(),
  })
  .strict();

export const jobRef = z.object({ jobId: z.string().min(1).max(64) }).strict();

export const runRef = z.object({ run: ref }).strict();

export const exportsCreate = z
  .object({
    run: ref,
    out: z.string().min(1, 'the output folder is required').max(4096),
    format: z.enum(['imagefolder', 'tensor']).default('imagefolder'),
    /** replace a previous studio export in the output folder (any other non-empty folder is refused) */
    force: z.boolean().default(false),
  })
  .strict();

export const runsTrain = z
  .object({
    dataset: ref,
    defense: z.enum(DEFENSES),
    /** fixed mixing k (mixup, freq-mixup) */
    k: z.number().int().min(2).max(6).optional(),
    /** accuracy budget delta of the adaptive defence, as a fraction (0.02 = 2 points) */
    accuracyBudget: z.number().min(0).max(1).default(0.02),
    /** adaptive's acc_ref: a k = 2 reference trained in the job, compared epoch by epoch (default), or the run's own k = 2 warm-up */
    accuracyReference: z.enum(['k2-reference', 'warmup']).optional(),
    /** DP-SGD noise multiplier sigma (noise std / clip); exclusive with targetEpsilon */
    noiseMultiplier: z.number().min(0.01).max(1000).optional(),
    /** DP-SGD: solve sigma so that epsilon at delta 1e-5 reaches this after the run's steps */
    targetEpsilon: z.number().min(0.01).max(1000).optional(),
    /** DP-SGD per-microbatch L2 clipping norm C */
    clip: z.number().min(1e-6).max(1e6).optional(),
    /** frequency channel selection: by energy (default) or the learned masking network */
    channelSelection: z.enum(['energy', 'learned']).optional(),
    epochs: z.number().int().min(1).max(1000).optional(),
    profile: z.enum(['quick', 'standard']).default('standard'),
    name: name.optional(),
    seed: seed.default(1),
    backend: z.enum(BACKENDS).optional(),
    /** `pretrained` (default: the studio's default pretrained face backbone), `scratch` or a backbone name */
    backbone: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a backbone name: scratch, pretrained or e.g. mobileface').default(DEFAULT_BACKBONE_CHOICE),
  })
  .strict()
  .refine((r) => r.noiseMultiplier === undefined || r.targetEpsilon === undefined, {
    message: 'give the noise multiplier or the target epsilon, not both',
    path: ['targetEpsilon'],
  });

/** `files.open`: a report or an export folder the studio recorded, by id (never a path from the page). */
export const filesOpen = z
  .object({
    kind: z.enum(['report', 'export']),
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a report or export id, e.g. rep_0123abcd'),
  })
  .strict();

/** `GET /reports/view?ticket=...` on the HTTP bridge: a one-time ticket minted by `files.open`. */
export const reportViewQuery = z.object({ ticket: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'a report ticket from files.open') }).strict();

export const reportRef = z.object({ reportId: z.string().trim().min(1, 'a report id is required').max(64) }).strict();

export const reportsCreate = z
  .object({
    /** the runs to report on (ids or names); the undefended reference is added when missing */
    runs: z.array(ref).min(1).max(100).optional(),
    /** or every finished run of this dataset */
    dataset: ref.optional(),
    /** the file to write, `.html` or `.pdf`; default: `reports/<dataset>-<time>.html` in the data directory */
    out: z
      .string()
      .min(1)
      .max(4096)
      .refine((v) => /\.(html?|pdf)$/i.test(v), 'the report file must end in .html or .pdf')
      .optional(),
    /** also print the same report to this `.pdf` file (one build for both; the demo writes HTML and PDF) */
    pdf: z
      .string()
      .min(1)
      .max(4096)
      .refine((v) => /\.pdf$/i.test(v), 'the PDF file must end in .pdf')
      .optional(),
  })
  .strict()
  .refine((v) => Number(v.runs !== undefined) + Number(v.dataset !== undefined) === 1, 'give either runs or a dataset (one of the two)');
/** `attacks.start` (CLI.md `attack`). */
export const attacksStart = z
  .object({
    run: ref,
    kind: z.enum(ATTACK_KINDS),
    /** attack the first N private identities (default: all) */
    targets: z.number().int().min(1).max(100000).optional(),
    /** the attacker's public data: another dataset (default: the run dataset's public identities) */
    public: ref.optional(),
    /** how many public faces to use at most; synthetic targets render this many new faces (default 4000) */
    publicFaces: z.number().int().min(1).max(50000).optional(),
    /** Kerckhoffs: the attacker knows the front end's key (default), or estimates it */
    key: z.enum(KEY_MODES).default('known'),
    /** the face prior of the white-box and black-box attacks (default gan; linear: black-box searches it by queries) */
    prior: z.enum(WHITEBOX_PRIORS).optional(),
    /** the reconstruction decoder's loss (default squared; identity adds a fine-tuning stage) */
    decoderLoss: z.enum(DECODER_LOSSES).optional(),
    /** the reconstruction attack's low-resolution stage, fitted on the dataset's own public faces (default true; plain frequency masking only) */
    lowRes: z.boolean().optional(),
    judge: z.enum(JUDGE_KINDS).default('pretrained'),
    profile: z.enum(['quick', 'standard']).default('standard'),
    seed: seed.default(1),
    backend: z.enum(BACKENDS).optional(),
  })
  .strict();

export const attackRef = z.object({ attack: z.string().trim().min(1, 'an attack id is required').max(64) }).strict();

export const attacksList = z.object({ run: ref.optional() }).strict();

export const compareRuns = z.object({ runs: z.array(ref).min(1, 'name at least one run').max(200) }).strict();

/** Tags and notes of a run (saved in SQLite); omitted fields are left as they are. */
export const runsUpdate = z
  .object({
    run: ref,
    tags: z.array(z.string().trim().min(1, 'tags may not be empty').max(40, 'tags are at most 40 characters')).max(20, 'at most 20 tags').optional(),
    notes: z.string().max(10_000, 'notes are at most 10,000 characters').optional(),
  })
  .strict();

/** Defence Lab pictures for one dataset image (DESIGN.md 5.1-5.2). */
export const labPreview = z
  .object({
    dataset: ref,
    /** dataset image id (from `datasets.images`); default: the dataset's first training image */
    image: z.number().int().min(0).optional(),
    /** frequency channels kept per plane (PPFR-FD keeps 36 of 64) */
    keep: z.number().int().min(1).max(63).default(36),
    /** the k whose sources are listed first in the response (all of 2..6 are computed) */
    k: z.number().int().min(2).max(6).default(4),
    /** use this run's frozen front end (kept channels, learned gates) instead of selecting by energy */
    run: ref.optional(),
    /** seed of the partner and weight draws */
    seed: seed.default(1),
  })
  .strict();

/** An attack's sample images for the UI (optionally one target identity's). */
export const attacksSamples = z
  .object({
    attack: z.string().trim().min(1, 'an attack id is required').max(64),
    /** target class (0-based over the private identities); default: every identity */
    label: z.number().int().min(-1).optional(),
  })
  .strict();
