/** Helpers shared by the benchmarks: the median of repeated runs and `--name=value` options. */

export function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The number given as `--name=value` in `args`, or `fallback`. `integer`: require a non-negative integer
 * (counts, seeds); otherwise any positive number (seconds).
 */
export function option(args: readonly string[], name: string, fallback: number, integer = true): number {
  const prefix = `--${name}=`;
  const arg = args.find((a) => a.startsWith(prefix));
  if (arg === undefined) return fallback;
  const v = Number(arg.slice(prefix.length));
  if (integer ? !Number.isInteger(v) || v < 0 : !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`${prefix} needs ${integer ? 'a non-negative integer' : 'a positive number'}, got ${arg}`);
  }
  return v;
}
