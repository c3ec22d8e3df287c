import { writeFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../libs/config/config.js';
import { setLogLevel } from '../../libs/logger/logger.js';
import { openOrm } from '../../libs/persistence/orm.js';
import { buildOpenApiDocument, createApiApp } from './bootstrap.js';

/** `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json without starting any server. */
setLogLevel('warn');
const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused' });
const orm = await openOrm(config.database.url!);
const app = await createApiApp({ config, orm, temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }) });
const document = buildOpenApiDocument(app);
await writeFile(process.argv[2] ?? 'docs/openapi.json', JSON.stringify(document, null, 2) + '\n');
await app.close();
await orm.close();
