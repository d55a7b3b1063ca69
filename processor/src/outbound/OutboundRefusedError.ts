/**
 * A call to an admin-set URL that was not made: its target is a private address while private
 * targets are not allowed, or the peer redirected to another origin. Permanent: retrying the
 * same URL cannot succeed.
 */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

/** The OutboundRefusedError in an error's cause chain (fetch and jira.js wrap what they catch), if any. */
export function outboundRefusal(error: unknown): OutboundRefusedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof OutboundRefusedError) return current;
    current = current.cause;
  }
  return undefined;
}
