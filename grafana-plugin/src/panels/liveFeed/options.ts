import type { Severity } from '../../types.ts';

/** The panel's options (set in the panel editor). */
export interface LiveFeedOptions {
  /** Severities shown; empty shows all. */
  severities: Severity[];
  /** Only this service's incidents; empty shows all. */
  service: string;
  maxRows: number;
  /** Hide resolved incidents. */
  hideResolved: boolean;
}

export const DEFAULT_OPTIONS: LiveFeedOptions = { severities: [], service: '', maxRows: 10, hideResolved: true };
