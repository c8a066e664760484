/**
 * The form of an Amazon OpenSearch Service domain endpoint. Its own module,
 * free of aws-cdk-lib, because the CLI reads it too (a domain ARN from an endpoint).
 */

/** search-<name>-<id>.<region>.es.amazonaws.com (or vpc-...), the form a domain ARN can be derived from. */
export const AWS_DOMAIN_ENDPOINT = /^(?:search|vpc)-([a-z][a-z0-9-]{2,27})-[a-z0-9]+\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/;
