import { existsSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AppConfig } from '../../../libs/config/config.js';
import { Public } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG } from '../tokens.js';

/** Vite's asset names (`index-<hash>.js`, `….js.map`): dot-separated words, so nothing that could leave the folder. */
const ASSET_NAME = /^[\w-]+(?:\.[\w-]+)*\.(?:js|css|map|svg|png|woff2?)$/;
const ONE_YEAR_MS = 365 * 24 * 3_600_000;

/**
 * The page of the agent console: it may talk to this origin only, and no other site may frame it. React sets styles
 * through the DOM, which a style-src of 'self' allows.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * The agent console (apps/console, built by `npm run build` into CONSOLE_DIR) at `/`. Its asset names carry a
 * content hash, so browsers keep them for a year; the page itself is revalidated on every load. The console talks
 * to the API's public routes only, like any other client.
 */
@ApiExcludeController()
@Controller()
export class ConsoleController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @Public()
  page(@Res() response: Response): void {
    const index = path.join(this.config.consoleDir, 'index.html');
    if (!existsSync(index)) {
      throw ApiError.notFound(`the agent console is not built (no ${index}): run \`npm run build\`, or use the API under /docs`);
    }
    response.set({ 'cache-control': 'no-cache', 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' });
    response.sendFile(index);
  }

  @Get('assets/:name')
  @Public()
  asset(@Param('name') name: string, @Res() response: Response): void {
    const file = path.join(this.config.consoleDir, 'assets', name);
    if (!ASSET_NAME.test(name) || !existsSync(file)) throw ApiError.notFound(`no console asset ${name}`);
    response.sendFile(file, { maxAge: ONE_YEAR_MS, immutable: true, headers: { 'x-content-type-options': 'nosniff' } });
  }
}
