import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The agent console: built into dist/console, which the API serves at `/` (apps/api/console). Asset names carry a
 * content hash, so the API can let browsers cache them for a year; index.html is never cached.
 */
export default defineConfig({
  root,
  base: '/',
  // React's automatic JSX runtime through Oxc, Vite's own transformer: no Babel, no React plugin needed for a build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      // React Query marks its hooks "use client" for server-component bundlers; a browser-only bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config apps/console/vite.config.ts` for working on the console against a running `npm start`.
    proxy: Object.fromEntries(
      ['/auth', '/me', '/tickets', '/views', '/users', '/settings', '/reports', '/profiles', '/docs', '/health', '/integration-tokens', '/audit-log', '/orders', '/mailbox', '/invitations', '/chat']
        .map((path) => [path, { target: process.env.CONSOLE_API_URL ?? 'http://localhost:3000' }]),
    ),
  },
});
