/**
 * Rewrite the README's option and message tables from server/schema.ts (`npm run docs:protocol`). The tables sit
 * between `<!-- schema:NAME -->` markers; test/schema.test.ts fails while the README and the schema disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withReadmeTables } from './schema.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(README, 'utf8');
const after = withReadmeTables(before);
if (after === before) {
  console.log('README.md: the option and message tables already match server/schema.ts');
} else {
  writeFileSync(README, after);
  console.log('README.md: option and message tables rewritten from server/schema.ts');
}
