/**
 * The catalogue as a client sees it: `GET /api/substrates` of a real server lists every registered substrate with
 * every scenario of it, each scenario's substrate is registered, and every Melting Pot substrate has rule tests
 * that cite Melting Pot's source. Everything here is read from the registries, never from a list written down, so
 * a new substrate or scenario is checked the moment it is registered.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSubstrate, substrateNames } from '../substrates/registry.js';
import { getScenario, scenarioNames, scenariosOf } from '../substrates/scenarios.js';
import { substrateCatalogue } from '../server/app.js';
import { liveServer } from './helpers/liveServer.js';

interface CatalogueEntry {
  name: string;
  players: number;
  actions: string[];
  observations: string[];
  map: string[];
  scenarios: { name: string; players: number; isFocal: boolean[]; bots: string[] }[];
}

/** Melting Pot's substrates: those with a scenario taken from Melting Pot (Crucible's own variants have none). */
function meltingPotSubstrates(): string[] {
  return substrateNames().filter((name) => scenariosOf(name).some((s) => s.source !== null));
}

describe('GET /api/substrates: the catalogue a client sees', () => {
  const live = liveServer('catalogue');

  async function catalogue(): Promise<CatalogueEntry[]> {
    const res = await fetch(`${live.srv.httpUrl}/api/substrates`);
    assert.equal(res.status, 200);
    return (await res.json()) as CatalogueEntry[];
  }

  it('lists every registered substrate, once, with its players, actions, observations and map', async () => {
    const body = await catalogue();
    assert.deepEqual(body.map((s) => s.name), substrateNames());
    for (const s of body) {
      const spec = getSubstrate(s.name);
      assert.equal(s.players, spec.population.players, s.name);
      assert.deepEqual(s.actions, spec.actions.map((a) => a.name), s.name);
      assert.deepEqual(s.observations, [...spec.observation.names], s.name);
      assert.deepEqual(s.map, [...spec.map], s.name);
    }
  });

  it('lists every registered scenario under its own substrate, and every listed scenario is registered', async () => {
    const body = await catalogue();
    const listed = body.flatMap((s) => s.scenarios.map((sc) => [s.name, sc.name] as const));
    assert.deepEqual(listed.map(([, sc]) => sc).sort(), [...scenarioNames()].sort());
    for (const [substrate, name] of listed) {
      const spec = getScenario(name);
      assert.equal(spec.substrate, substrate, `${name} is listed under ${substrate}`);
      assert.ok(substrateNames().includes(spec.substrate), `${name}: its substrate ${spec.substrate} is registered`);
    }
    for (const s of body) {
      for (const sc of s.scenarios) {
        assert.equal(sc.players, sc.isFocal.length, sc.name);
        assert.ok(sc.players >= 1 && sc.players <= s.players, `${sc.name}: ${sc.players} players of ${s.players}`);
        if (sc.isFocal.some((f) => !f)) assert.ok(sc.bots.length > 0, `${sc.name} has bots for its background players`);
      }
    }
  });

  it('is built once per process and then served as built (no request re-hashes every substrate and scenario)', async () => {
    const first = substrateCatalogue();
    assert.equal(substrateCatalogue(), first, 'the same catalogue object on every call');
    const served = (await (await fetch(`${live.srv.httpUrl}/api/substrates`)).json()) as unknown;
    assert.deepEqual(served, JSON.parse(JSON.stringify(first)));
  });

  it('gives every Melting Pot substrate at least one scenario', async () => {
    const body = await catalogue();
    const withScenarios = new Set(body.filter((s) => s.scenarios.length > 0).map((s) => s.name));
    for (const name of meltingPotSubstrates()) assert.ok(withScenarios.has(name), name);
  });
});

describe('rule tests cite Melting Pot for every Melting Pot substrate', () => {
  /** A Melting Pot source citation with a line: `configs/substrates/coins.py:36`, `lua/levels/…/components.lua:93-166`. */
  const CITATION = /(configs|lua|utils)\/[\w/.]+\.(py|lua):\d+/;
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(dir, f), 'utf8'));

  for (const name of meltingPotSubstrates()) {
    // The family: the name before its variant (`territory__rooms` → `territory`), which a family's tests name.
    const family = name.split('__')[0];
    it(`${name}: a test file names ${family} and cites Melting Pot's source with a line`, () => {
      assert.ok(files.some((f) => f.includes(family) && CITATION.test(f)), `no test file names "${family}" and cites path:line`);
    });
  }
});
