/** Addresses of the real servers that the global set-up starts once for the whole test run. */
export interface TestServers {
  databaseUrlFor(database: string): string;
  temporalAddress: string;
  workflowBundlePath: string;
}

export function testServers(): TestServers {
  const { TEST_POSTGRES_URL_TEMPLATE, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE } = process.env;
  if (!TEST_POSTGRES_URL_TEMPLATE || !TEST_TEMPORAL_ADDRESS || !TEST_WORKFLOW_BUNDLE) {
    throw new Error('test servers are not running: run the suite with `npm test`');
  }
  return {
    databaseUrlFor: (database) => TEST_POSTGRES_URL_TEMPLATE.replace('{database}', database),
    temporalAddress: TEST_TEMPORAL_ADDRESS,
    workflowBundlePath: TEST_WORKFLOW_BUNDLE,
  };
}
