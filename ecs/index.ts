export * from './components.js';
export * from './grid.js';
export * from './scheduler.js';
export * from './events.js';
export * from './rng.js';
export * from './world.js';
