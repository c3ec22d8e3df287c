import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createLogger } from '../../libs/logger/logger.js';
import { AppModule, type ApiDependencies } from './app.module.js';
import { ErrorShapeFilter } from './common/error.filter.js';
import { createValidationPipe } from './common/validation.js';

const log = createLogger('api');

export const OPENAPI_PATH = 'docs';

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('Durable support inbox API')
    .setDescription('Agents work tickets; each ticket is a Temporal workflow. Errors share one shape: { statusCode, error, message, field? }.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, document);
}

/** Builds the NestJS application; callers decide where it listens (main, the embedded runner, tests). */
export async function createApiApp(dependencies: ApiDependencies): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.withDependencies(dependencies), {
    logger: {
      log: (message: unknown) => log.debug(String(message)),
      error: (message: unknown) => log.error(String(message)),
      warn: (message: unknown) => log.warn(String(message)),
      debug: (message: unknown) => log.debug(String(message)),
      verbose: () => undefined,
      fatal: (message: unknown) => log.error(String(message)),
    },
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorShapeFilter());
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json` });
  return app;
}
