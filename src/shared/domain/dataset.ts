/**
 * Dataset domain types shared by the engine, the store, the CLI and the renderer.
 * Pure data: no I/O. Splits follow DESIGN.md section 4 (identity-disjoint private/public/eval).
 */

/** Where a dataset's pixels come from. */
export type DatasetKind = 'synthetic' | 'imported';

/** The split an identity belongs to (DESIGN.md 4): private identities train the target model. */
export type IdentitySplit = 'private' | 'public' | 'eval';

/** The split of one image: private identities' images are further split into train and held-out. */
export type ImageSplit = 'train' | 'heldout' | 'public' | 'eval';

/** Identity counts per split. */
export interface SplitCounts {
  /** identities whose images train the target model */
  private: number;
  /** identities the attacker may use as auxiliary data (disjoint from private) */
  public: number;
  /** optional identities for open-set verification (0 when not requested) */
  eval: number;
}

/** Split fractions, recorded with the dataset. Defaults: 75% private, 25% public, 70/30 train/held-out. */
export interface SplitConfig {
  /** fraction of identities that are private, in (0, 1) */
  privateFraction: number;
  /** fraction of identities reserved for open-set evaluation, in [0, 1) */
  evalFraction: number;
  /** fraction of each private identity's images used for training, in (0, 1) */
  trainFraction: number;
  /** seed of the identity shuffle */
  seed: number;
}

export const DEFAULT_SPLIT: Omit<SplitConfig, 'seed'> = { privateFraction: 0.75, evalFraction: 0, trainFraction: 0.7 };

/** One dataset as listed. */
export interface DatasetSummary {
  id: string;
  name: string;
  kind: DatasetKind;
  /** number of usable identities */
  identities: number;
  /** number of usable images */
  images: number;
  /** side of the square images in pixels (e.g. 64, 112) */
  size: number;
  /** 1 (grey) or 3 (colour, RGB) */
  channels: 1 | 3;
  /** identity counts per split */
  splits: SplitCounts;
  /** generator seed (synthetic) or split seed (imported) */
  seed: number;
  /** source folder for imported datasets; null for synthetic ones */
  source: string | null;
  /** ISO 8601 creation time */
  createdAt: string;
}

/** A file skipped at import, with the reason in plain words. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** One identity as stored. */
export interface IdentityInfo {
  /** label index used for training, 0-based and dense */
  label: number;
  name: string;
  split: IdentitySplit;
  images: number;
}

/** A dataset with its identities, recorded split config and import report. */
export interface DatasetDetail extends DatasetSummary {
  splitConfig: SplitConfig;
  identityList: IdentityInfo[];
  /** image counts per image split */
  imageSplits: Record<ImageSplit, number>;
  skipped: SkippedFile[];
  /** documentation files beside the identity folders, listed but not an error */
  ignored: SkippedFile[];
  /** groups of files with identical content (first one kept) */
  duplicates: string[][];
  /** identities dropped for having fewer than 2 usable images */
  droppedIdentities: string[];
}

/** One image as shown in the UI. */
export interface ImageInfo {
  id: number;
  identity: string;
  label: number;
  split: ImageSplit;
  /** small PNG thumbnail as a data: URL (the renderer never sees filesystem paths) */
  thumb: string;
}
