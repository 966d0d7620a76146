import { addComponent } from 'bitecs';
import { spawnEntity, type World } from '../ecs/world.js';
import type { Layer } from './layers.js';
import type { Sprite } from './sprites.js';

/**
 * Create one object of the map — a wall, an apple, dirt, a resource — at (x, y) on `layer`, drawn as `sprite`.
 * `tag` is the extra component it carries (Wall, Resource), if any. Returns its entity id.
 */
export function spawnMapObject<M extends object>(world: World<M>, x: number, y: number, layer: Layer, sprite: Sprite, tag?: object): number {
  const { c } = world;
  const eid = spawnEntity(world);
  if (tag) addComponent(world.ecs, eid, tag);
  addComponent(world.ecs, eid, c.Position);
  addComponent(world.ecs, eid, c.Sprite);
  c.Position.x[eid] = x;
  c.Position.y[eid] = y;
  c.Sprite.id[eid] = sprite;
  world.grid.place(eid, x, y, layer);
  return eid;
}
