import { hostname } from 'node:os';
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { AttributeValue } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TelemetryOptions } from './TelemetryOptions.ts';

// Incubating semantic-convention keys are copied, as the semconv package advises, so a
// minor release of it cannot rename them under us.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
/** Deprecated by semconv 1.27 but still what many backends and dashboards filter on. */
const ATTR_DEPLOYMENT_ENVIRONMENT = 'deployment.environment';
const ATTR_HOST_NAME = 'host.name';
const ATTR_PROCESS_PID = 'process.pid';
const ATTR_PROCESS_RUNTIME_NAME = 'process.runtime.name';
const ATTR_PROCESS_RUNTIME_VERSION = 'process.runtime.version';

/**
 * Builds the resource, lowest priority first: SDK defaults (service.name
 * `unknown_service:node`, telemetry.sdk.*), host and process, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_SERVICE_NAME, then what the caller passed in code, as the resource SDK spec asks
 * ("the user provided resource information has higher priority").
 */
export function createResource(options: TelemetryOptions): Resource {
  const fromEnv = detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] });
  return defaultResource()
    .merge(hostAndProcess())
    .merge(fromEnv)
    .merge(resourceFromAttributes(fromCode(options, fromEnv.attributes)));
}

/**
 * Deliberately not the SDK's process detector: it records the command line, where secrets
 * passed as arguments would leave the machine with every record.
 */
function hostAndProcess(): Resource {
  return resourceFromAttributes({
    [ATTR_HOST_NAME]: hostname(),
    [ATTR_PROCESS_PID]: process.pid,
    [ATTR_PROCESS_RUNTIME_NAME]: 'nodejs',
    [ATTR_PROCESS_RUNTIME_VERSION]: process.versions.node,
  });
}

function fromCode(options: TelemetryOptions, envAttributes: Record<string, AttributeValue | undefined>) {
  const environment = resolveEnvironment(options, envAttributes);
  const attributes: Record<string, string | number | boolean> = { ...options.resourceAttributes };
  if (options.serviceName !== undefined) attributes[ATTR_SERVICE_NAME] = options.serviceName;
  if (options.serviceVersion !== undefined) attributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  if (environment !== undefined) {
    // Both keys carry the one value so old and new dashboards agree.
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = environment;
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT] = environment;
  }
  return attributes;
}

/** NODE_ENV comes last: it is a build-mode flag more often than a deployment name. */
function resolveEnvironment(options: TelemetryOptions, envAttributes: Record<string, AttributeValue | undefined>): string | undefined {
  const candidates = [
    options.environment,
    options.resourceAttributes?.[ATTR_DEPLOYMENT_ENVIRONMENT_NAME],
    options.resourceAttributes?.[ATTR_DEPLOYMENT_ENVIRONMENT],
    envAttributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME],
    envAttributes[ATTR_DEPLOYMENT_ENVIRONMENT],
    process.env.NODE_ENV,
  ];
  const found = candidates.find((value) => value !== undefined && value !== '');
  return found === undefined ? undefined : String(found);
}
