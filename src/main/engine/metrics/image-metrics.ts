/**
 * Image similarity metrics on raw pixel arrays: PSNR and the standard Gaussian-window SSIM
 * (Wang et al. 2004, IEEE TIP 13(4), eq. 13; window sigma 1.5, 11x11, K1 = 0.01, K2 = 0.03),
 * computed like scikit-image's `structural_similarity(gaussian_weights=True,
 * use_sample_covariance=False)`: separable Gaussian with mirrored borders, mean over the map
 * less a 5-pixel border, channels averaged. Written by hand: no maintained JS library does
 * this SSIM on plain arrays; the fixture test pins it to scikit-image's values.
 */

/** One image: `size x size x channels` values, row-major, channels last, in 0..dataRange. */
export interface ImageArray {
  data: ArrayLike<number>;
  size: number;
  channels: number;
}

/** Peak signal-to-noise ratio in dB; `Infinity` for identical images. */
export function psnr(a: ImageArray, b: ImageArray, dataRange = 255): number {
  checkSame(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  const mse = sum / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((dataRange * dataRange) / mse);
}

const SIGMA = 1.5;
const RADIUS = 5; // scikit-image: int(truncate * sigma + 0.5) with truncate 3.5

function gaussianKernel(): Float64Array {
  const k = new Float64Array(2 * RADIUS + 1);
  let total = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) total += k[i + RADIUS] = Math.exp((-0.5 * i * i) / (SIGMA * SIGMA));
  return k.map((v) => v / total);
}
const KERNEL = gaussianKernel();

/** scipy.ndimage 'reflect' border: d c b a | a b c d | d c b a */
function reflect(i: number, n: number): number {
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - j - 1;
  return j;
}

/** Separable Gaussian filter of an `h x w` plane. */
function gaussianFilter(src: Float64Array, n: number): Float64Array {
  const tmp = new Float64Array(n * n);
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += KERNEL[k + RADIUS] * src[y * n + reflect(x + k, n)];
      tmp[y * n + x] = s;
    }
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k++) s += KERNEL[k + RADIUS] * tmp[reflect(y + k, n) * n + x];
      out[y * n + x] = s;
    }
  return out;
}

function plane(img: ImageArray, c: number): Float64Array {
  const n = img.size;
  const p = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) p[i] = img.data[i * img.channels + c];
  return p;
}

function ssimPlane(x: Float64Array, y: Float64Array, n: number, dataRange: number): number {
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const mul = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v * b[i]);
  const ux = gaussianFilter(x, n);
  const uy = gaussianFilter(y, n);
  const uxx = gaussianFilter(mul(x, x), n);
  const uyy = gaussianFilter(mul(y, y), n);
  const uxy = gaussianFilter(mul(x, y), n);
  let total = 0;
  let count = 0;
  for (let r = RADIUS; r < n - RADIUS; r++)
    for (let col = RADIUS; col < n - RADIUS; col++) {
      const i = r * n + col;
      const vx = uxx[i] - ux[i] * ux[i];
      const vy = uyy[i] - uy[i] * uy[i];
      const vxy = uxy[i] - ux[i] * uy[i];
      total += ((2 * ux[i] * uy[i] + c1) * (2 * vxy + c2)) / ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2));
      count++;
    }
  return total / count;
}

/** Mean SSIM over the image (channels averaged), as scikit-image computes it. */
export function ssim(a: ImageArray, b: ImageArray, dataRange = 255): number {
  checkSame(a, b);
  if (a.size < 2 * RADIUS + 1) throw new RangeError(`SSIM needs images of at least ${2 * RADIUS + 1} pixels a side`);
  let total = 0;
  for (let c = 0; c < a.channels; c++) total += ssimPlane(plane(a, c), plane(b, c), a.size, dataRange);
  return total / a.channels;
}

function checkSame(a: ImageArray, b: ImageArray): void {
  if (a.size !== b.size || a.channels !== b.channels || a.data.length !== b.data.length || a.data.length !== a.size * a.size * a.channels) {
    throw new RangeError('image metrics need two images of the same size and channels');
  }
}

/** The `i`-th image of a packed batch `[n, size, size, channels]`. */
export function imageAt(batch: ArrayLike<number> & { subarray?: unknown }, i: number, size: number, channels: number): ImageArray {
  const stride = size * size * channels;
  const data = (batch as Float32Array).subarray ? (batch as Float32Array).subarray(i * stride, (i + 1) * stride) : Array.prototype.slice.call(batch, i * stride, (i + 1) * stride);
  return { data, size, channels };
}
