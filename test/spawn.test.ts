/**
 * Spawning (Melting Pot `teleportToGroup` / PICK_RANDOM): a player appears on a uniformly random spawn point of its
 * group that is free on the avatar layer.
 */
import { strict as assert } from 'node:assert';
import { placeAtSpawnPoint } from '../systems/sim.js';
import { Dir, pos, placeAll, tinySim, tinySpec } from './helpers/tinyWorld.js';

describe('spawning', () => {
  function countSpawns(map: string[], players: number, blockers: [number, number, number, Dir][], draws: number): Map<string, number> {
    const sim = tinySim(tinySpec(map, { players }));
    placeAll(sim, blockers);
    const mover = players - 1;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      sim.world.grid.remove(sim.avatars[mover]);
      assert.ok(placeAtSpawnPoint(sim, mover, 'spawnPoints'));
      const key = pos(sim, mover).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  it('picks uniformly among the free spawn points and never an occupied one', () => {
    // 4 spawn points on row 1; players 0 and 1 stand on two of them.
    const counts = countSpawns(['WWWWWW', 'WPPPPW', 'W    W', 'WWWWWW'], 3, [[0, 1, 1, Dir.N], [1, 3, 1, Dir.N], [2, 1, 2, Dir.N]], 4000);
    assert.deepEqual([...counts.keys()].sort(), ['2,1', '4,1'], 'only the free points');
    // Binomial(4000, 0.5): σ ≈ 31.6; 4.5σ ≈ 142.
    for (const n of counts.values()) assert.ok(Math.abs(n - 2000) < 142, `count ${n} is within 4.5σ of 2000`);
  });

  it('finds the last free point of a crowded group', () => {
    // 8 spawn points, 7 taken: random draws mostly miss, and the placement falls back to a scan.
    const blockers: [number, number, number, Dir][] = [];
    for (let k = 0; k < 7; k++) blockers.push([k, 1 + k, 1, Dir.N]);
    blockers.push([7, 1, 2, Dir.N]);
    const counts = countSpawns(['WWWWWWWWWW', 'WPPPPPPPPW', 'W        W', 'WWWWWWWWWW'], 8, blockers, 200);
    assert.deepEqual([...counts.entries()], [['8,1', 200]]);
  });

  it('reports failure, changing nothing, when every point is taken', () => {
    // The one `Q` point (group insideSpawnPoints) is taken by player 0.
    const sim = tinySim(tinySpec(['WWWWW', 'WPPQW', 'W   W', 'WWWWW'], { players: 2 }));
    placeAll(sim, [[0, 3, 1, Dir.N], [1, 1, 2, Dir.N]]);
    sim.world.grid.remove(sim.avatars[1]);
    assert.equal(placeAtSpawnPoint(sim, 1, 'insideSpawnPoints'), false);
    assert.equal(sim.world.grid.has(sim.avatars[1]), false);
  });
});
