import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EncodingError,
  decodeEnvelope,
  decodeNpy,
  decodePng,
  encodeNpy,
  encodePng,
  toNumpyEnvelope,
  toPngEnvelope,
} from '../systems/encoding.js';

/** An 88×88 RGB frame whose pixel (x, y) is [x, y, (7x + 13y) mod 256]. */
function testFrame(width = 88, height = 88): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = x;
      rgb[o + 1] = y;
      rgb[o + 2] = (7 * x + 13 * y) & 255;
    }
  return rgb;
}

const latin1 = (bytes: Uint8Array, from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('latin1');

function assertEncodingError(fn: () => unknown, code: string): EncodingError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EncodingError, `expected an EncodingError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

describe('encodeNpy / decodeNpy', () => {
  it('writes the v1.0 magic, a little-endian header length and a header padded to a multiple of 64', () => {
    const npy = encodeNpy(testFrame(), [88, 88, 3]);
    assert.deepEqual([...npy.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = npy[8]! | (npy[9]! << 8);
    // The dict is 69 characters; 10 + 69 + 1 = 80 is padded up to 128.
    assert.equal(headerLength, 118);
    assert.equal((10 + headerLength) % 64, 0);
    const header = latin1(npy, 10, 10 + headerLength);
    assert.ok(header.startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (88, 88, 3), }"));
    assert.match(header, /^\{.*\} *\n$/);
    assert.equal(npy.length, 10 + headerLength + 88 * 88 * 3);
    assert.equal(npy[128 + (5 * 88 + 7) * 3 + 2], (7 * 7 + 13 * 5) & 255);
  });

  it('writes Python tuple syntax for 1-D and 0-D shapes', () => {
    const one = encodeNpy(new Uint8Array(5), [5]);
    assert.ok(latin1(one, 10, 128).includes("'shape': (5,), }"));
    const scalar = encodeNpy(new Uint8Array([42]), []);
    assert.ok(latin1(scalar, 10, 128).includes("'shape': (), }"));
    assert.deepEqual(decodeNpy(scalar), { dtype: 'uint8', data: new Uint8Array([42]), shape: [] });
  });

  it('round-trips uint8 data and shape', () => {
    const frame = testFrame();
    const back = decodeNpy(encodeNpy(frame, [88, 88, 3]));
    assert.equal(back.dtype, 'uint8');
    assert.deepEqual(back.shape, [88, 88, 3]);
    assert.deepEqual(back.data, frame);
  });

  it('round-trips float64 data bit for bit as <f8', () => {
    const values = new Float64Array([1.5, -2, 3e300, -0, Number.NaN, Number.POSITIVE_INFINITY]);
    const npy = encodeNpy(values, [2, 3]);
    assert.ok(latin1(npy, 10, 64).includes("'descr': '<f8'"));
    assert.equal(npy.length % 64, (6 * 8) % 64);
    const back = decodeNpy(npy);
    assert.equal(back.dtype, 'float64');
    assert.deepEqual(back.shape, [2, 3]);
    assert.ok(back.data instanceof Float64Array);
    for (let i = 0; i < values.length; i++) assert.ok(Object.is(back.data[i], values[i]), `element ${i}`);
  });

  it('decodes from a view that does not start at offset 0 of its buffer', () => {
    const npy = encodeNpy(new Float64Array([1, 2, 3]), [3]);
    const padded = new Uint8Array(npy.length + 3);
    padded.set(npy, 3);
    assert.deepEqual([...decodeNpy(padded.subarray(3)).data], [1, 2, 3]);
  });

  it('rejects data that does not fill the shape', () => {
    assertEncodingError(() => encodeNpy(new Uint8Array(10), [3, 3]), 'SHAPE_MISMATCH');
    const npy = encodeNpy(new Uint8Array(9), [3, 3]);
    assertEncodingError(() => decodeNpy(npy.subarray(0, npy.length - 1)), 'SHAPE_MISMATCH');
  });

  it('rejects a bad magic and an unsupported descr with clear errors', () => {
    const npy = encodeNpy(new Uint8Array(4), [4]);
    const bad = npy.slice();
    bad[1] = 0x58;
    assert.match(assertEncodingError(() => decodeNpy(bad), 'BAD_NPY').message, /magic/);
    const int32 = Buffer.from(latin1(npy, 0, npy.length).replace("'|u1'", "'<i4'"), 'latin1');
    assert.match(assertEncodingError(() => decodeNpy(new Uint8Array(int32)), 'UNSUPPORTED_DTYPE').message, /<i4/);
  });
});

describe('encodePng / decodePng', () => {
  it('round-trips an 88×88 RGB frame exactly', () => {
    const frame = testFrame();
    const png = encodePng(frame, 88, 88);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const back = decodePng(png);
    assert.equal(back.width, 88);
    assert.equal(back.height, 88);
    assert.deepEqual(back.rgb, frame);
  });

  it('round-trips a non-square frame with few colours exactly (rows are not transposed)', () => {
    const width = 5;
    const height = 3;
    const rgb = new Uint8Array(width * height * 3);
    rgb.set([255, 0, 0], (0 * width + 4) * 3); // top-right red
    rgb.set([0, 0, 255], (2 * width + 0) * 3); // bottom-left blue
    const back = decodePng(encodePng(rgb, width, height));
    assert.equal(back.width, 5);
    assert.equal(back.height, 3);
    assert.deepEqual(back.rgb, rgb);
  });

  it('stores a few-colour 88×88 tile-art frame with an exact palette and round-trips it', () => {
    const colours = [
      [0, 0, 0],
      [255, 255, 255],
      [34, 139, 34],
      [200, 30, 30],
      [90, 90, 200],
    ];
    const frame = new Uint8Array(88 * 88 * 3);
    for (let p = 0; p < 88 * 88; p++) frame.set(colours[((p % 88 >> 3) + (Math.floor(p / 88) >> 3)) % 5]!, p * 3);
    const png = encodePng(frame, 88, 88);
    assert.equal(png[25], 3, 'IHDR colour type 3 (palette)');
    assert.ok(png.length < 1000, `palette PNG should be small, got ${png.length} bytes`);
    assert.deepEqual(decodePng(png).rgb, frame);
  });

  it('works around upng-js truncating small palette images (1×1, 5×3, 8×8) and keeps truecolour ones intact', () => {
    for (const [width, height] of [
      [1, 1],
      [5, 3],
      [8, 8],
      [16, 16],
      [2, 200],
    ] as const) {
      const rgb = new Uint8Array(width * height * 3);
      for (let p = 0; p < width * height; p++) rgb.set([p & 255, (p * 37) & 255, 255 - (p & 255)], p * 3);
      const png = encodePng(rgb, width, height);
      assert.deepEqual([...png.subarray(png.length - 8, png.length - 4)], [0x49, 0x45, 0x4e, 0x44], `${width}×${height} ends in IEND`);
      const back = decodePng(png);
      assert.equal(back.width, width);
      assert.equal(back.height, height);
      assert.deepEqual(back.rgb, rgb, `${width}×${height}`);
    }
  });

  it('rejects a frame of the wrong length and bytes that are not a PNG', () => {
    assertEncodingError(() => encodePng(new Uint8Array(10), 2, 2), 'SHAPE_MISMATCH');
    assertEncodingError(() => decodePng(new Uint8Array([1, 2, 3])), 'BAD_PNG');
    const png = encodePng(testFrame(4, 4), 4, 4);
    assertEncodingError(() => decodePng(png.subarray(0, 20)), 'BAD_PNG');
  });
});

describe('JSON envelopes', () => {
  it('numpy_base64 carries base64 .npy bytes, shape and dtype, and round-trips through JSON', () => {
    const frame = testFrame();
    const env = toNumpyEnvelope(frame, [88, 88, 3]);
    assert.equal(env.encoding, 'numpy_base64');
    assert.equal(env.dtype, 'uint8');
    assert.deepEqual(env.shape, [88, 88, 3]);
    assert.deepEqual(new Uint8Array(Buffer.from(env.data, 'base64')), encodeNpy(frame, [88, 88, 3]));
    const back = decodeEnvelope(JSON.parse(JSON.stringify(env)));
    assert.equal(back.encoding, 'numpy_base64');
    if (back.encoding !== 'numpy_base64') return;
    assert.equal(back.dtype, 'uint8');
    assert.deepEqual(back.shape, [88, 88, 3]);
    assert.deepEqual(back.data, frame);
  });

  it('numpy_base64 also carries float64 arrays', () => {
    const env = toNumpyEnvelope(new Float64Array([0.25, 3, -1]), [3]);
    assert.equal(env.dtype, 'float64');
    const back = decodeEnvelope(JSON.parse(JSON.stringify(env)));
    assert.ok(back.encoding === 'numpy_base64' && back.dtype === 'float64');
    assert.deepEqual([...back.data], [0.25, 3, -1]);
  });

  it('png_base64 carries width and height and round-trips exactly', () => {
    const frame = testFrame(11, 7);
    const env = toPngEnvelope(frame, 11, 7);
    assert.deepEqual(Object.keys(env).sort(), ['data', 'encoding', 'height', 'width']);
    assert.equal(env.encoding, 'png_base64');
    const back = decodeEnvelope(JSON.parse(JSON.stringify(env)));
    assert.ok(back.encoding === 'png_base64');
    assert.equal(back.width, 11);
    assert.equal(back.height, 7);
    assert.deepEqual(back.rgb, frame);
  });

  it('throws UNKNOWN_ENCODING naming the allowed encodings', () => {
    const err = assertEncodingError(() => decodeEnvelope({ data: '', encoding: 'jpeg_base64' }), 'UNKNOWN_ENCODING');
    assert.match(err.message, /jpeg_base64/);
    assert.match(err.message, /numpy_base64/);
    assert.match(err.message, /png_base64/);
    assertEncodingError(() => decodeEnvelope({ data: '' }), 'UNKNOWN_ENCODING');
  });

  it('rejects malformed envelopes, bad base64 and a shape that disagrees with the payload', () => {
    assertEncodingError(() => decodeEnvelope(null), 'BAD_ENVELOPE');
    assertEncodingError(() => decodeEnvelope({ encoding: 'png_base64', data: 42 }), 'BAD_ENVELOPE');
    assertEncodingError(() => decodeEnvelope({ encoding: 'numpy_base64', data: 'not base64!' }), 'BAD_BASE64');
    const env = toNumpyEnvelope(new Uint8Array(6), [2, 3]);
    assertEncodingError(() => decodeEnvelope({ ...env, shape: [3, 2] }), 'SHAPE_MISMATCH');
    assertEncodingError(() => decodeEnvelope({ ...env, dtype: 'float64' }), 'SHAPE_MISMATCH');
    const png = toPngEnvelope(testFrame(3, 2), 3, 2);
    assertEncodingError(() => decodeEnvelope({ ...png, width: 2 }), 'SHAPE_MISMATCH');
  });
});

describe('numpy interoperability (skipped when python3 with numpy is not installed)', () => {
  let dir = '';
  before(function () {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'crucible-npy-'));
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('numpy.load reads our .npy as (88, 88, 3) uint8 with the right pixels, and we read numpy.save output', () => {
    writeFileSync(join(dir, 'frame.npy'), encodeNpy(testFrame(), [88, 88, 3]));
    writeFileSync(join(dir, 'inventory.npy'), encodeNpy(new Float64Array([0.5, -1, 2, 1e-300]), [2, 2]));
    const script = `
import numpy as np, sys
d = sys.argv[1]
a = np.load(d + '/frame.npy', allow_pickle=False)
assert a.shape == (88, 88, 3) and a.dtype == np.uint8, (a.shape, a.dtype)
y, x = np.mgrid[0:88, 0:88]
expected = np.stack([x, y, (7 * x + 13 * y) % 256], axis=-1).astype(np.uint8)
assert (a == expected).all()
f = np.load(d + '/inventory.npy', allow_pickle=False)
assert f.shape == (2, 2) and f.dtype == np.float64 and f.tolist() == [[0.5, -1.0], [2.0, 1e-300]], f
np.save(d + '/from_numpy_u8.npy', expected)
np.save(d + '/from_numpy_f8.npy', np.array([1.25, -3.5, 7.0]))
print('ok')
`;
    const res = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), 'ok');
    const u8 = decodeNpy(new Uint8Array(readFileSync(join(dir, 'from_numpy_u8.npy'))));
    assert.equal(u8.dtype, 'uint8');
    assert.deepEqual(u8.shape, [88, 88, 3]);
    assert.deepEqual(u8.data, testFrame());
    const f8 = decodeNpy(new Uint8Array(readFileSync(join(dir, 'from_numpy_f8.npy'))));
    assert.equal(f8.dtype, 'float64');
    assert.deepEqual([...f8.data], [1.25, -3.5, 7]);
  });
});
