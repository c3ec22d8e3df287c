import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from '../../apps/api/bootstrap.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('docs/openapi.json', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is the document the API serves (regenerate with `npm run openapi`)', async () => {
    const committed = JSON.parse(await readFile('docs/openapi.json', 'utf8')) as unknown;
    const served = JSON.parse(JSON.stringify(buildOpenApiDocument(stack.app))) as unknown;
    expect(served).toEqual(committed);
  });
});
