/**
 * fast-check arbitraries of what a hostile or broken client can send: every msgpack-representable value (odd
 * types, BigInts, NaN and ±Infinity, -0, huge and fractional numbers, bytes, long strings), objects with keys that
 * trip naive code (`__proto__` as an own key, `toString`/`valueOf`/`toJSON`/`constructor`/`hasOwnProperty` set to
 * non-functions), and deep nesting.
 */
import fc from 'fast-check';

/** Keys that break code calling a value's methods or walking its prototype. */
export const TRAP_KEYS = ['__proto__', 'toString', 'valueOf', 'toJSON', 'constructor', 'hasOwnProperty', 'then', 'length'] as const;

/** An object with `key` as an own enumerable property, even `__proto__` (as JSON.parse and msgpack decoders make it). */
export function withOwnKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  return obj;
}

export const oddNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, Number.MAX_VALUE, Number.MIN_VALUE, 0.5, 1e308),
  fc.double(),
  fc.integer(),
);

export const oddScalar = fc.oneof(
  oddNumber,
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'x'.repeat(5000), '\u0000', '\ud800', '__proto__', 'toString'),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 32 }),
);

/** A value nested `depth` levels deep (arrays or single-key objects). */
export const deepValue = fc.tuple(fc.integer({ min: 50, max: 600 }), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

export const trapObject = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...TRAP_KEYS), oddScalar), { minLength: 1, maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), oddScalar, { maxKeys: 3 }))
  .map(([traps, rest]) => {
    const obj: Record<string, unknown> = { ...rest };
    for (const [k, v] of traps) withOwnKey(obj, k, v);
    return obj;
  });

/** Any hostile value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddScalar },
  { weight: 3, arbitrary: trapObject },
  { weight: 1, arbitrary: deepValue },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }) },
  { weight: 1, arbitrary: fc.array(oddScalar, { maxLength: 5 }) },
);

/** A client's WebSocket, to send frames no SDK method would (text, empty, raw bytes). */
export function rawSocket(room: unknown): { send(data: Uint8Array | string): void } {
  return (room as { connection: { transport: { ws: { send(data: Uint8Array | string): void } } } }).connection.transport.ws;
}
