import 'reflect-metadata';
import { NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createLogger } from '../../libs/logger/logger.js';
import { SecretBox } from '../../libs/secrets/secret-box.js';
import { sealSmsAuthTokens } from '../../libs/sms/sms-channels.js';
import { AppModule, type ApiDependencies } from './app.module.js';
import { ContentTypeGuard } from './common/content-type.guard.js';
import { documentErrorResponses } from './common/error-responses.js';
import { ErrorShapeFilter } from './common/error.filter.js';
import { createValidationPipe } from './common/validation.js';

const log = createLogger('api');

export const OPENAPI_PATH = 'docs';
/** The largest JSON request body; larger ones are answered 413. */
export const JSON_BODY_LIMIT = '2mb';

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('Durable support inbox API')
    .setDescription('Agents work tickets; each ticket is a Temporal workflow. Errors share one shape: { statusCode, error, message, field? }.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A user token, or an integration token on /integration/... routes' }, 'bearer')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The web-chat visitor token from POST /chat/conversations (or ?token=)' }, 'visitor')
    .addCookieAuth('inbox_session', { type: 'apiKey', in: 'cookie', description: 'The session of POST /auth/sign-in; POST, PUT, PATCH and DELETE also need the inbox_csrf cookie\'s value as X-CSRF-Token' }, 'cookie')
    .build();
  return documentErrorResponses(app, SwaggerModule.createDocument(app, document));
}

/**
 * Start-up step after the migrations: plain-text (pre-0010) and old-key Twilio auth tokens are sealed with
 * the current key. The API also starts while PostgreSQL is down (it then answers 503): the step is then
 * left to the next start (plain tokens only exist right after migration 0010, which needed the database).
 */
async function sealStoredSecrets({ config, orm }: ApiDependencies): Promise<void> {
  try {
    await sealSmsAuthTokens(orm, config.secretsKeyring ? new SecretBox(config.secretsKeyring) : undefined, log);
  } catch (error) {
    log.warn('could not seal stored secrets: the database is not reachable; the next start does it', { error: (error as Error).message });
  }
}

/** Builds the NestJS application; callers decide where it listens (main, the embedded runner, tests). */
export async function createApiApp(dependencies: ApiDependencies): Promise<NestExpressApplication> {
  await sealStoredSecrets(dependencies);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.withDependencies(dependencies), {
    // The exact bytes of each body, for webhook signatures over the raw body (Shopify).
    rawBody: true,
    logger: {
      log: (message: unknown) => log.debug(String(message)),
      error: (message: unknown) => log.error(String(message)),
      warn: (message: unknown) => log.warn(String(message)),
      debug: (message: unknown) => log.debug(String(message)),
      verbose: () => undefined,
      fatal: (message: unknown) => log.error(String(message)),
    },
  });
  app.set('trust proxy', dependencies.config.trustProxy);
  // Up to 1,000 events fit in one POST /integration/events (docs/api.md).
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useGlobalGuards(new ContentTypeGuard(app.get(Reflector)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorShapeFilter());
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json` });
  return app;
}
