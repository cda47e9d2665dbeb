// A problem found while reading a config; the schedule inspector shows these as diagnostics.
/** error: nothing can be built; warning: it runs, but not as the file seems to say; info: worth
 * knowing about this config; hint: true of every real config (metadata, keys other classes use),
 * shown where the key is, never in a problems list. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Finding {
  readonly severity: Severity;
  /** JSON path to the offending value, e.g. ['beta_schedule'] or ['trained_betas', 12]. [] is the root. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** Stable machine-readable id, e.g. 'unknown-key', used by quick fixes. */
  readonly code: string;
}
