// Writes the HTTP API's reference, generated from its OpenAPI document, into docs/console.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiContext } from '../src/http/api-context.js';
import { apiReference, openApiDocument, withApiReference } from '../src/http/api-reference.js';
import { createApi } from '../src/http/create-api.js';
import { registerPlaneWebhook } from '../src/sources/plane/plane-webhook-route.js';

// Building the document registers the routes only: no handler runs, so no orchestrator is needed.
const { app } = createApi({} as ApiContext);
// `cto serve --http` adds the task sources' webhooks: they belong in the reference too.
registerPlaneWebhook(app, {} as Parameters<typeof registerPlaneWebhook>[1]);
const file = join(import.meta.dirname, '..', 'docs', 'console.md');
const reference = apiReference(openApiDocument(app, 'docs'));
writeFileSync(file, withApiReference(readFileSync(file, 'utf8'), reference));
console.log(`updated ${file}`);
