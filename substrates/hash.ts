/**
 * Content hashes: a short fingerprint of everything that defines a substrate or a scenario, so two results can be
 * checked to come from the same definition. The hash is sha256 over canonical JSON (object keys sorted, arrays in
 * order, no whitespace) of the definition plus DEFINITION_VERSION; it depends on nothing of the process (no key
 * insertion order, no object identity), so every process computes the same hash for the same data.
 *
 * - substrate: the full SubstrateSpec (description, map, legend, actions, population, episode, observation spec,
 *   every mechanic's parameters).
 * - scenario: the ScenarioSpec, the substrate as the scenario seats it, and the full definition of each bot it may
 *   draw (for Melting Pot's bots, the scripted policy and its parameters).
 */
import { createHash } from 'node:crypto';
import { getSubstrate } from './registry.js';
import { findBotSpec, getScenario, scenarioSubstrate } from './scenarios.js';
import type { ScenarioSpec, SubstrateSpec } from './types.js';

/**
 * Bump when a rule or a scripted bot changes behaviour while the data stays the same, so results from before and
 * after the change carry different hashes.
 */
export const DEFINITION_VERSION = 1;

/** JSON with object keys sorted at every depth. Rejects what JSON cannot carry exactly (undefined in arrays aside). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot hash the non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  throw new Error(`cannot hash a value of type ${typeof value}`);
}

/** sha256 (hex) of the canonical JSON of `{ version, kind, definition }`. */
export function contentHash(kind: string, definition: unknown): string {
  return createHash('sha256').update(canonicalJson({ version: DEFINITION_VERSION, kind, definition })).digest('hex');
}

export function substrateSpecHash(spec: SubstrateSpec): string {
  return contentHash('substrate', spec);
}

/** The definition a scenario's hash covers. */
export function scenarioDefinition(s: ScenarioSpec): unknown {
  return {
    scenario: s,
    substrate: scenarioSubstrate(s),
    bots: s.bots.map((name) => findBotSpec(name) ?? { name, crucible: true }),
  };
}

const substrateHashes = new Map<string, string>();
const scenarioHashes = new Map<string, string>();

/** Hash of the registered substrate `name` (computed once). */
export function substrateHash(name: string): string {
  let h = substrateHashes.get(name);
  if (h === undefined) substrateHashes.set(name, (h = substrateSpecHash(getSubstrate(name))));
  return h;
}

/** Hash of the registered scenario `name` (computed once). */
export function scenarioHash(name: string): string {
  let h = scenarioHashes.get(name);
  if (h === undefined) scenarioHashes.set(name, (h = contentHash('scenario', scenarioDefinition(getScenario(name)))));
  return h;
}
