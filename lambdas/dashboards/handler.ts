/**
 * Entry point of the Dashboards setup function (see setup.ts): the real
 * transport (SigV4, service `es`), CloudFormation's response URL, and the
 * saved objects generated from the report catalog.
 */
import { savedObjectsNdjson } from '../../src/reports/dashboards.js';
import { DASHBOARDS_SETUP } from '../../src/settings.js';
import { createHttpTransport } from '../shared/http-transport.js';
import { createSetupHandler, putResponse } from './setup.js';

export const handler = createSetupHandler({
  transport: (endpoint, region) =>
    createHttpTransport({ endpoint, auth: 'aws-sigv4', requestTimeoutMs: DASHBOARDS_SETUP.requestTimeoutSeconds * 1000, ...(region ? { region } : {}) }),
  respond: putResponse,
  ndjson: (indexPrefix) => savedObjectsNdjson({ indexPrefix }),
});
