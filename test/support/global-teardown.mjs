export default async function globalTeardown() {
  const servers = globalThis.__INBOX_TEST_SERVERS__;
  if (!servers) return;
  await servers.temporal.teardown();
  await servers.postgres.stop();
}
