/**
 * The sprite data recorded from Melting Pot (systems/spriteArt.ts) and the Lab2D pixel rules the atlas applies to
 * it, checked against values worked out by hand from the source.
 */
import { strict as assert } from 'node:assert';
import { getSubstrate } from '../substrates/registry.js';
import { appearanceOf, AVATAR_SHAPES, CLEAN_UP, COMMONS_HARVEST, getPalette, SHAPES } from '../systems/spriteArt.js';
import { interp, spritePixels } from '../systems/spriteSheet.js';

describe('Melting Pot sprite data', () => {
  it("builds an avatar palette as get_palette does (meltingpot/utils/substrates/shapes.py:40-104)", () => {
    const self = getPalette([50, 100, 200]);
    assert.deepEqual(self['*'], [50, 100, 200, 255]);
    assert.deepEqual(self['&'], [37, 75, 150, 255], '× 0.75, truncated');
    assert.deepEqual(self.o, [27, 55, 110, 255], '× 0.55, truncated');
    assert.deepEqual(self['@'], [62, 125, 250, 255], '× 1.25');
    assert.deepEqual(getPalette([245, 65, 65])['@'], [255, 81, 81, 255], 'clamped at 255');
    assert.deepEqual(self['#'], [255, 255, 255, 255]);
    assert.deepEqual(self.O, [60, 60, 60, 255]);
    assert.deepEqual(self.x, [0, 0, 0, 0]);
  });

  it('has one 8×8 avatar shape per facing, all different (shapes.py:309-353)', () => {
    assert.equal(AVATAR_SHAPES.length, 4);
    for (const s of AVATAR_SHAPES) assert.deepEqual(s.map((r) => r.length), new Array(8).fill(8));
    assert.equal(new Set(AVATAR_SHAPES.map((s) => s.join('/'))).size, 4);
    assert.equal(SHAPES.CUTE_AVATAR_N[3], 'xx&&&&xx');
    assert.equal(SHAPES.CUTE_AVATAR_E[4], 'x**##*&x');
  });

  it('uses the later of the two WALL shapes, as Python does (shapes.py:679 and :2326)', () => {
    assert.deepEqual(SHAPES.WALL, ['**#*****', '**#*****', '########', '*****#**', '*****#**', '########', '**#*****', '**#*****']);
  });

  it('draws 16×16 art at 8 px by averaging 2×2 blocks and truncating (lab2d dmlab2d/lib/system/image/lua_image.cc:283-323)', () => {
    const water = spritePixels(CLEAN_UP.river?.[0] ?? COMMONS_HARVEST.wall, 8);
    // WATER_1's top-left block is "**" over "~~": (35, 133, 168) and (33, 125, 158) averaged.
    assert.deepEqual([...water.subarray(0, 4)], [34, 129, 163, 255]);
    const button = spritePixels(appearanceOf(getSubstrate('prisoners_dilemma_in_the_matrix__repeated')).resources?.[0] ?? COMMONS_HARVEST.wall, 8);
    const px = (x: number, y: number): number[] => [...button.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)];
    assert.deepEqual(px(0, 0), [0, 0, 0, 0], 'transparent border');
    assert.deepEqual(px(1, 1), [30, 225, 185, 255], 'RESOURCE1_COLOR rim');
    assert.deepEqual(px(3, 3), [98, 234, 206, 255], 'highlight centre');
  });

  it("blends with Lab2D's Interp, rounding as it does (lab2d dmlab2d/lib/system/tile/pixel.h:66-81)", () => {
    assert.equal(interp(0, 99, 175), 68); // (175·99 + 127) / 255 = 68.4
    assert.equal(interp(200, 0, 55), 157); // (200·200 + 127) / 255 = 157.4
    assert.equal(interp(10, 20, 0), 10);
    assert.equal(interp(10, 20, 255), 20);
  });

  it('picks the art of each substrate family from its data, and the colour intervals of each matrix game', () => {
    assert.equal(appearanceOf(getSubstrate('commons_harvest__closed')), COMMONS_HARVEST);
    assert.equal(appearanceOf(getSubstrate('clean_up')), CLEAN_UP);
    const pd = getSubstrate('prisoners_dilemma_in_the_matrix__repeated');
    assert.deepEqual(appearanceOf({ ...pd, name: 'a_variant' }), appearanceOf(pd), 'an unknown matrix game draws like the Prisoner\'s Dilemma');
    assert.deepEqual(appearanceOf(getSubstrate('chicken_in_the_matrix__repeated')).markers?.intervals, [[0, 1.5], [1.5, 2.5], [2.5, 3.5], [3.5, 5]]);
    assert.deepEqual(appearanceOf(getSubstrate('stag_hunt_in_the_matrix__repeated')).markers?.intervals, [[0, 0.5], [0.5, 1.5], [1.5, 2.5], [2.5, 3.5], [3.5, 4]]);
  });
});
