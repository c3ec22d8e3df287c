import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The console's HTTP client is typed from the API's OpenAPI document (docs/openapi.json, itself checked against the
 * code by test/e2e/openapi.test.ts). Types generated from an older document would let the console drift from the API.
 */
describe('console API types', () => {
  it('are generated from the current docs/openapi.json (run `npm run openapi` after changing the API)', () => {
    const output = path.join(mkdtempSync(path.join(os.tmpdir(), 'console-types-')), 'schema.d.ts');
    execFileSync(path.resolve('node_modules/.bin/openapi-typescript'), ['docs/openapi.json', '--output', output], { stdio: 'pipe' });
    const committed = readFileSync('apps/console/src/api/schema.d.ts', 'utf8');
    expect(committed === readFileSync(output, 'utf8')).toBe(true);
  });
});
