/**
 * Defence Lab pictures (DESIGN.md 5.1-5.2): what the frequency front end and the frequency MixUp
 * do to one dataset image. The engine worker computes them; the renderer only paints them.
 */

/** Raw 8-bit pixels for the renderer to paint (no file paths, no image codecs). */
export interface LabPicture {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB, interleaved) */
  channels: 1 | 3;
  /** base64 of `width * height * channels` bytes, row-major */
  pixels: string;
}

/** One frequency channel of the first plane (grey, or Y of YCbCr): raster index u*8+v in the 8x8 block. */
export interface LabChannel {
  /** 0..63; 0 is DC */
  index: number;
  /** mean |coefficient| over the training images used for the selection */
  energy: number;
  /** kept by the selection (the masked image and the network see it) */
  kept: boolean;
  /** the masking network's gate value when the selection was learned; null for energy selection */
  gate: number | null;
  /** |coefficient| of this channel over the image's blocks, `[S/8, S/8]` grey, stretched to 0..255 */
  map: LabPicture;
}

/** One mixed sample: the anchor (sources[0]) and k-1 partners, InstaHide weights, frequency MixUp. */
export interface LabMix {
  k: number;
  /** dataset image ids; sources[0] is the chosen image */
  sources: number[];
  /** lambda_i per source, summing to 1, each <= 0.65 */
  weights: number[];
  /** the mix of the sources' masked channels, shown through the inverse DCT */
  image: LabPicture;
  /** display contrast gain applied to `image` about mid-grey (1 = as is) [ours] */
  gain: number;
}

export interface LabPreviewResponse {
  imageId: number;
  identity: string;
  /** what the selection is based on: the dataset's training images, or a run's frozen front end */
  selection: { source: 'dataset'; trainImages: number } | { source: 'run'; runId: string; learned: boolean };
  /** channels kept per plane */
  keep: number;
  planes: 1 | 3;
  original: LabPicture;
  /** the first plane's 64 channels, by index */
  channels: LabChannel[];
  /** removed channels zeroed, inverse DCT: what the kept channels still show */
  masked: LabPicture;
  /** display contrast gain applied to `masked` about mid-grey (1 = as is) [ours] */
  maskedGain: number;
  /** one mixed sample for each k in 2..6 (partners nested: k+1 adds one partner to k's) */
  mixes: LabMix[];
  /** source images of the mixes (id -> thumbnail picture), anchor included */
  sources: { id: number; identity: string; picture: LabPicture }[];
  /** engine milliseconds spent on this preview */
  millis: number;
}
