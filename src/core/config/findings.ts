/** A problem found while reading a config; the schedule inspector shows these as diagnostics. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** JSON path to the offending value, e.g. ['beta_schedule'] or ['trained_betas', 12]. [] is the root. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** Stable machine-readable id, e.g. 'unknown-key', used by quick fixes. */
  readonly code: string;
}
