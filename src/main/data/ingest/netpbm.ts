/**
 * A small reader for Netpbm grey and colour maps (PGM P2/P5, PPM P3/P6), which sharp's bundled
 * libvips does not read (verified on ORL, DESIGN.md section 4). 16-bit samples are scaled to 8.
 */

export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** interleaved 8-bit samples, row-major */
  data: Uint8Array;
}

export function isNetpbm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && [0x32, 0x33, 0x35, 0x36].includes(bytes[1]);
}

/** Parses a PGM/PPM file; throws an Error with a plain reason on malformed input. */
export function readNetpbm(bytes: Uint8Array): RawImage {
  const magic = String.fromCharCode(bytes[0], bytes[1]);
  const channels = magic === 'P2' || magic === 'P5' ? 1 : 3;
  const ascii = magic === 'P2' || magic === 'P3';
  let pos = 2;
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] !== 0x23) break; // '#' comment to end of line
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && /[0-9]/.test(String.fromCharCode(bytes[pos]))) pos++;
    if (start === pos) throw new Error('malformed Netpbm header');
    return Number(String.fromCharCode(...bytes.subarray(start, pos)));
  };
  const width = token();
  const height = token();
  const maxval = token();
  if (width < 1 || height < 1 || maxval < 1 || maxval > 65535) throw new Error(`malformed Netpbm header (${width}x${height}, maxval ${maxval})`);
  const count = width * height * channels;
  const data = new Uint8Array(count);
  if (ascii) {
    for (let i = 0; i < count; i++) data[i] = Math.round((token() / maxval) * 255);
    return { width, height, channels, data };
  }
  pos++; // exactly one whitespace byte after maxval
  const wide = maxval > 255;
  const needed = count * (wide ? 2 : 1);
  if (bytes.length - pos < needed) throw new Error(`truncated Netpbm data (${bytes.length - pos} of ${needed} bytes)`);
  for (let i = 0; i < count; i++) {
    const v = wide ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i];
    data[i] = maxval === 255 ? v : Math.round((v / maxval) * 255);
  }
  return { width, height, channels, data };
}
