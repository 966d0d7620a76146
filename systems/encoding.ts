/**
 * Binary encodings for observations and arrays, and the JSON envelopes that carry them in events
 * (original specification, section 3).
 *
 * - `.npy` (numpy format version 1.0) for uint8 arrays (RGB frames, shape (H, W, 3)) and float64 arrays
 *   (INVENTORY-like vectors): a magic string, a header dict padded to a 64-byte boundary, then C-order data.
 *   Readable by `numpy.load(..., allow_pickle=False)`.
 * - PNG through upng-js, lossless. PNG encoding costs ≈ 0.45 ms per 88×88 frame: use it for spectators, snapshots
 *   and debugging, not for every agent every tick (see shared/reference/stack.md).
 * - Envelopes: `{data: base64, shape, dtype, encoding: 'numpy_base64'}` and
 *   `{data: base64, width, height, encoding: 'png_base64'}`; `decodeEnvelope` reverses either exactly.
 *
 * Every failure throws an `EncodingError` carrying a machine-readable `code`.
 */
import UPNG from 'upng-js';

export type EncodingErrorCode =
  | 'UNKNOWN_ENCODING'
  | 'BAD_ENVELOPE'
  | 'BAD_BASE64'
  | 'BAD_NPY'
  | 'UNSUPPORTED_DTYPE'
  | 'SHAPE_MISMATCH'
  | 'BAD_PNG';

export class EncodingError extends Error {
  readonly code: EncodingErrorCode;
  constructor(code: EncodingErrorCode, message: string) {
    super(message);
    this.name = 'EncodingError';
    this.code = code;
  }
}

/** Encodings an envelope may carry. */
export const ENCODINGS = ['numpy_base64', 'png_base64'] as const;
export type EncodingName = (typeof ENCODINGS)[number];

/** Element types we read and write, named as numpy's `str(array.dtype)`. */
export type NpyDtype = 'uint8' | 'float64';

export type NpyArray =
  | { dtype: 'uint8'; data: Uint8Array; shape: number[] }
  | { dtype: 'float64'; data: Float64Array; shape: number[] };

// ---------------------------------------------------------------------------------------------------------------
// .npy

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const; // \x93NUMPY
const NPY_ALIGN = 64;
const DESCR: Record<NpyDtype, string> = { uint8: '|u1', float64: '<f8' };
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkShape(shape: readonly number[], length: number): number[] {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new EncodingError('SHAPE_MISMATCH', `shape entries must be non-negative integers, got (${shape.join(', ')})`);
    }
    count *= d;
  }
  if (count !== length) {
    throw new EncodingError('SHAPE_MISMATCH', `shape (${shape.join(', ')}) holds ${count} elements, data has ${length}`);
  }
  return shape.slice();
}

/** Python repr of a shape tuple: (), (5,), (88, 88, 3). */
function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encode an array as numpy `.npy` version 1.0 bytes: uint8 data as `'|u1'`, float64 data as little-endian `'<f8'`.
 * `shape` is in C order (last axis fastest) and must hold exactly `data.length` elements.
 */
export function encodeNpy(data: Uint8Array, shape: readonly number[]): Uint8Array;
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array;
export function encodeNpy(data: Uint8Array | Float64Array, shape: readonly number[]): Uint8Array {
  checkShape(shape, data.length);
  const dtype: NpyDtype = data instanceof Float64Array ? 'float64' : 'uint8';
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces and ending in '\n'.
  const unpadded = 10 + dict.length + 1;
  const headerLength = dict.length + 1 + ((NPY_ALIGN - (unpadded % NPY_ALIGN)) % NPY_ALIGN);
  if (headerLength > 0xffff) throw new EncodingError('SHAPE_MISMATCH', 'npy header too long for format version 1.0');
  const dataOffset = 10 + headerLength;
  const out = new Uint8Array(dataOffset + data.byteLength);
  out.set(NPY_MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = headerLength & 0xff;
  out[9] = headerLength >>> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.fill(0x20, 10 + dict.length, dataOffset - 1);
  out[dataOffset - 1] = 0x0a;
  if (data instanceof Float64Array && !IS_LITTLE_ENDIAN) {
    const view = new DataView(out.buffer, dataOffset);
    for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  } else {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataOffset);
  }
  return out;
}

const DESCR_TO_DTYPE: Record<string, NpyDtype> = { '|u1': 'uint8', '<u1': 'uint8', u1: 'uint8', '<f8': 'float64', f8: 'float64' };

/**
 * Decode `.npy` bytes (format versions 1.x, 2.x and 3.x) holding uint8 (`|u1`) or little-endian float64 (`<f8`)
 * data in C order. Returns a copy of the data. Throws `EncodingError` with code `BAD_NPY` for a bad magic, version
 * or header, `UNSUPPORTED_DTYPE` for any other descr or Fortran order, `SHAPE_MISMATCH` when the data length does
 * not match the shape.
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new EncodingError('BAD_NPY', 'not a .npy file: missing magic \\x93NUMPY');
  }
  const major = bytes[6]!;
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = bytes[8]! | (bytes[9]! << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new EncodingError('BAD_NPY', '.npy file truncated in its header length');
    headerLength = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
    headerStart = 12;
  } else {
    throw new EncodingError('BAD_NPY', `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) throw new EncodingError('BAD_NPY', '.npy file truncated in its header');
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, headerLength).toString(major === 3 ? 'utf8' : 'latin1');

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new EncodingError('BAD_NPY', `malformed .npy header: ${header.trim()}`);
  }
  const dtype = DESCR_TO_DTYPE[descr];
  if (dtype === undefined) {
    throw new EncodingError('UNSUPPORTED_DTYPE', `unsupported .npy descr '${descr}': supported are '|u1' (uint8) and '<f8' (float64)`);
  }
  const shape: number[] = [];
  for (const part of shapeText.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    if (!/^\d+L?$/.test(t)) throw new EncodingError('BAD_NPY', `malformed shape in .npy header: (${shapeText})`);
    shape.push(Number.parseInt(t, 10));
  }
  let count = 1;
  for (const d of shape) count *= d;
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new EncodingError('UNSUPPORTED_DTYPE', 'Fortran-order .npy arrays are not supported');
  }
  const itemSize = dtype === 'float64' ? 8 : 1;
  const available = bytes.length - dataOffset;
  if (available !== count * itemSize) {
    throw new EncodingError(
      'SHAPE_MISMATCH',
      `.npy shape (${shape.join(', ')}) needs ${count * itemSize} data bytes, file has ${available}`,
    );
  }
  const raw = bytes.subarray(dataOffset);
  // Copy into a plain Uint8Array (a Node Buffer's .slice() would share the pooled memory).
  if (dtype === 'uint8') return { dtype, data: new Uint8Array(raw), shape };
  const data = new Float64Array(count);
  if (IS_LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(raw);
  } else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(i * 8, true);
  }
  return { dtype, data, shape };
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function checkDimensions(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EncodingError('SHAPE_MISMATCH', `PNG dimensions must be positive integers, got ${width}×${height}`);
  }
}

/**
 * Encode an RGB frame (row-major, 3 bytes per pixel, length width·height·3) as a lossless PNG.
 * upng-js takes RGBA only, so the frame is widened with alpha 255 first. With cnum = 0 upng-js stays lossless but
 * picks an exact palette (PLTE + tRNS) when the frame has ≤ 256 colours (typical of tile art) and truecolour RGB
 * otherwise.
 */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  checkDimensions(width, height);
  const pixels = width * height;
  if (rgb.length !== pixels * 3) {
    throw new EncodingError('SHAPE_MISMATCH', `RGB data of ${width}×${height} needs ${pixels * 3} bytes, got ${rgb.length}`);
  }
  const rgba = new Uint8Array(pixels * 4);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 3, d += 4) {
    rgba[d] = rgb[s]!;
    rgba[d + 1] = rgb[s + 1]!;
    rgba[d + 2] = rgb[s + 2]!;
    rgba[d + 3] = 255;
  }
  const png = new Uint8Array(upngEncode([rgba.buffer], width, height, 0));
  if (endsWithIend(png)) return png;
  // upng-js 2.1.0 allocates w·h·4 + 100 output bytes; a small image it stores with a palette (PLTE + tRNS chunks)
  // can need more, and the excess is silently dropped (no IEND). Re-encode as truecolour, which always fits.
  const truecolour = new Uint8Array(upngEncode([rgba.buffer], width, height, 0, undefined, true));
  if (!endsWithIend(truecolour)) throw new EncodingError('BAD_PNG', `upng-js produced a truncated PNG for ${width}×${height}`);
  return truecolour;
}

/** upng-js's `encode` with its sixth argument, `forbidPlte`, which @types/upng-js does not declare. */
type UpngEncode = (imgs: ArrayBuffer[], w: number, h: number, cnum: number, dels?: number[], forbidPlte?: boolean) => ArrayBuffer;
const upngEncode = UPNG.encode as UpngEncode;

/** The last 12 bytes of every complete PNG: an empty IEND chunk and its CRC. */
const IEND_CHUNK = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82] as const;

function endsWithIend(png: Uint8Array): boolean {
  const at = png.length - IEND_CHUNK.length;
  return at >= 0 && IEND_CHUNK.every((b, i) => png[at + i] === b);
}

/** Decode a PNG into an RGB frame (alpha, if any, is dropped). Throws `EncodingError` `BAD_PNG` on bad input. */
export function decodePng(bytes: Uint8Array): { rgb: Uint8Array; width: number; height: number } {
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new EncodingError('BAD_PNG', 'not a PNG: missing signature');
  }
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    // Copy into a fresh ArrayBuffer: a Node Buffer is a view into a shared pool, and its .slice() shares memory.
    const buffer = new Uint8Array(bytes).buffer;
    const image = UPNG.decode(buffer);
    width = image.width;
    height = image.height;
    const frame = UPNG.toRGBA8(image)[0];
    if (frame === undefined) throw new Error('no frame');
    rgba = new Uint8Array(frame);
  } catch (err) {
    throw new EncodingError('BAD_PNG', `could not decode PNG: ${err instanceof Error ? err.message : String(err)}`);
  }
  const pixels = width * height;
  if (!(pixels > 0) || rgba.length < pixels * 4) throw new EncodingError('BAD_PNG', 'PNG decoded to fewer pixels than its size');
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 4, d += 3) {
    rgb[d] = rgba[s]!;
    rgb[d + 1] = rgba[s + 1]!;
    rgb[d + 2] = rgba[s + 2]!;
  }
  return { rgb, width, height };
}

// ---------------------------------------------------------------------------------------------------------------
// base64 and envelopes

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 decoding (Node's decoder silently skips invalid characters; we refuse them). */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new EncodingError('BAD_BASE64', 'data is not valid base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export interface NumpyEnvelope {
  data: string;
  shape: number[];
  dtype: NpyDtype;
  encoding: 'numpy_base64';
}

export interface PngEnvelope {
  data: string;
  width: number;
  height: number;
  encoding: 'png_base64';
}

export type Envelope = NumpyEnvelope | PngEnvelope;

export type DecodedEnvelope =
  | ({ encoding: 'numpy_base64' } & NpyArray)
  | { encoding: 'png_base64'; rgb: Uint8Array; width: number; height: number };

/** Wrap an array as a `numpy_base64` envelope: base64 of its `.npy` bytes, with shape and dtype alongside. */
export function toNumpyEnvelope(data: Uint8Array, shape: readonly number[]): NumpyEnvelope;
export function toNumpyEnvelope(data: Float64Array, shape: readonly number[]): NumpyEnvelope;
export function toNumpyEnvelope(data: Uint8Array | Float64Array, shape: readonly number[]): NumpyEnvelope {
  const bytes = data instanceof Float64Array ? encodeNpy(data, shape) : encodeNpy(data, shape);
  return {
    data: toBase64(bytes),
    shape: shape.slice(),
    dtype: data instanceof Float64Array ? 'float64' : 'uint8',
    encoding: 'numpy_base64',
  };
}

/** Wrap an RGB frame as a `png_base64` envelope. */
export function toPngEnvelope(rgb: Uint8Array, width: number, height: number): PngEnvelope {
  return { data: toBase64(encodePng(rgb, width, height)), width, height, encoding: 'png_base64' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Decode an envelope (typically parsed from JSON, hence `unknown`). The payload must agree with the envelope's
 * own shape/dtype or width/height (`SHAPE_MISMATCH` otherwise). An unknown `encoding` throws `UNKNOWN_ENCODING`
 * naming the allowed ones; a missing or mistyped field throws `BAD_ENVELOPE`.
 */
export function decodeEnvelope(envelope: unknown): DecodedEnvelope {
  if (!isRecord(envelope)) throw new EncodingError('BAD_ENVELOPE', 'envelope must be an object');
  const { encoding, data } = envelope;
  if (encoding !== 'numpy_base64' && encoding !== 'png_base64') {
    throw new EncodingError(
      'UNKNOWN_ENCODING',
      `unknown encoding ${JSON.stringify(encoding)}: allowed encodings are ${ENCODINGS.join(', ')}`,
    );
  }
  if (typeof data !== 'string') throw new EncodingError('BAD_ENVELOPE', `${encoding} envelope needs a string 'data' field`);
  const bytes = fromBase64(data);
  if (encoding === 'numpy_base64') {
    const array = decodeNpy(bytes);
    const { shape, dtype } = envelope;
    if (shape !== undefined) {
      const list: readonly unknown[] | null = Array.isArray(shape) ? (shape as unknown[]) : null;
      if (list === null || list.length !== array.shape.length || list.some((d, i) => d !== array.shape[i])) {
        throw new EncodingError(
          'SHAPE_MISMATCH',
          `envelope shape ${JSON.stringify(shape)} differs from the .npy shape (${array.shape.join(', ')})`,
        );
      }
    }
    if (dtype !== undefined && dtype !== array.dtype) {
      throw new EncodingError('SHAPE_MISMATCH', `envelope dtype ${JSON.stringify(dtype)} differs from the .npy dtype ${array.dtype}`);
    }
    return { encoding, ...array };
  }
  const image = decodePng(bytes);
  const { width, height } = envelope;
  if ((width !== undefined && width !== image.width) || (height !== undefined && height !== image.height)) {
    throw new EncodingError(
      'SHAPE_MISMATCH',
      `envelope size ${String(width)}×${String(height)} differs from the PNG's ${image.width}×${image.height}`,
    );
  }
  return { encoding, ...image };
}
