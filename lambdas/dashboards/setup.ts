/**
 * The Dashboards setup function: a Lambda-backed CloudFormation custom
 * resource. On Create and Update it imports the saved objects generated from
 * the report catalog (`Custom::DashboardsSavedObjects`) or writes the
 * OpenSearch security roles and mappings (`Custom::OpenSearchRoleMappings`);
 * Delete leaves Dashboards as it is. A failure fails the deployment with
 * Dashboards' (or OpenSearch's) own message as the reason.
 *
 * It answers CloudFormation itself (a PUT to the pre-signed ResponseURL), so
 * no provider framework function is needed, and it always answers: every
 * error, even a bad event, becomes a FAILED response.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import pRetry from 'p-retry';
import { ConfigError, DashboardsError } from '../../src/errors.js';
import { AWS_DASHBOARDS_PATH, importSavedObjects, type HttpTransport } from '../../src/reports/dashboards-import.js';
import { applyRoleMappings } from '../../src/reports/opensearch-roles.js';
import { DASHBOARDS_SETUP } from '../../src/settings.js';

/** The response body CloudFormation expects at the ResponseURL. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string | number>;
}

/** What the handler reaches out to; the tests give their own. */
export interface SetupDeps {
  /** A signed transport to the endpoint. */
  transport(endpoint: string, region: string | undefined): Promise<HttpTransport>;
  /** PUTs the response to CloudFormation's pre-signed URL. */
  respond(url: string, response: CfnResponse): Promise<void>;
  /** The saved objects for an index prefix. */
  ndjson(indexPrefix: string): string;
  /** Retries after no answer or a 5xx (Dashboards starting up). @default 4 */
  readonly retries?: number;
  /** First wait between attempts, doubled each time. @default 5000 */
  readonly minTimeoutMs?: number;
}

// CloudFormation shows at most a few KB of reason; keep the start, where Dashboards' message is.
const MAX_REASON = 3000;

/** The handler over `deps`. Resolves once CloudFormation has its answer. */
export function createSetupHandler(deps: SetupDeps): (event: CloudFormationCustomResourceEvent, context: Pick<Context, 'logStreamName'>) => Promise<CfnResponse> {
  return async (event, context) => {
    const props = event.ResourceProperties as Record<string, unknown>;
    const physicalId = event.RequestType === 'Create' ? `${event.ResourceType}:${String(props.IndexPrefix ?? '')}` : event.PhysicalResourceId;
    const base = { PhysicalResourceId: physicalId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
    let response: CfnResponse;
    try {
      const data = event.RequestType === 'Delete' ? {} : await apply(event.ResourceType, props, deps);
      response = { ...base, Status: 'SUCCESS', Data: data };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ level: 'ERROR', message, resourceType: event.ResourceType, requestType: event.RequestType, error: error instanceof Error ? error.name : typeof error }));
      const reason = `${message} (log stream ${context.logStreamName})`;
      response = { ...base, Status: 'FAILED', Reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason };
    }
    await deps.respond(event.ResponseURL, response);
    return response;
  };
}

async function apply(resourceType: string, props: Record<string, unknown>, deps: SetupDeps): Promise<Record<string, string | number>> {
  const endpoint = requiredString(props, 'Endpoint');
  const indexPrefix = requiredString(props, 'IndexPrefix');
  const region = typeof props.Region === 'string' && props.Region !== '' ? props.Region : undefined;
  const transport = await deps.transport(endpoint, region);
  const attempt = <T>(run: () => Promise<T>): Promise<T> =>
    pRetry(run, {
      retries: deps.retries ?? 4,
      minTimeout: deps.minTimeoutMs ?? 5000,
      // No answer, or a 5xx: a domain just created may still be starting Dashboards. A 4xx will not change.
      shouldRetry: ({ error }) => error instanceof DashboardsError && (error.status === undefined || error.status >= 500),
    });

  switch (resourceType) {
    case DASHBOARDS_SETUP.savedObjectsType: {
      const basePath = typeof props.DashboardsPath === 'string' ? props.DashboardsPath : AWS_DASHBOARDS_PATH;
      const ndjson = deps.ndjson(indexPrefix);
      const summary = await attempt(() => importSavedObjects(transport, ndjson, basePath));
      console.log(JSON.stringify({ level: 'INFO', message: 'saved objects imported', successCount: summary.successCount, objects: summary.objects }));
      return { SuccessCount: summary.successCount };
    }
    case DASHBOARDS_SETUP.roleMappingsType: {
      const outcome = await attempt(() =>
        applyRoleMappings(transport, indexPrefix, {
          ingestRoleArns: stringList(props, 'IngestRoleArns'),
          readerRoleArns: stringList(props, 'ReaderRoleArns'),
          dashboardsUserRoleArns: stringList(props, 'DashboardsUserRoleArns'),
        }),
      );
      console.log(JSON.stringify({ level: 'INFO', message: 'security roles and mappings written', written: outcome.written }));
      return { Written: outcome.written.length };
    }
    default:
      throw new ConfigError(`unknown resource type ${resourceType}: expected ${DASHBOARDS_SETUP.savedObjectsType} or ${DASHBOARDS_SETUP.roleMappingsType}`);
  }
}

function requiredString(props: Record<string, unknown>, name: string): string {
  const value = props[name];
  if (typeof value !== 'string' || value === '') throw new ConfigError(`resource property ${name} is required`);
  return value;
}

function stringList(props: Record<string, unknown>, name: string): string[] {
  const value = props[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new ConfigError(`resource property ${name} must be a list of strings`);
  return value;
}

/** PUT to the pre-signed S3 URL; an empty content type, as the URL was signed without one. */
export async function putResponse(url: string, response: CfnResponse): Promise<void> {
  const body = JSON.stringify(response);
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!res.ok) throw new Error(`CloudFormation response not accepted: HTTP ${res.status} ${await res.text()}`);
}

