// Messages between the extension host and the schedule inspector webview (preview panel and custom
// editor alike). The host parses and checks the document; the webview computes the curves with the
// core and draws them. The webview never names a file: overlays and exports go through the host.

/** One schedule the inspector can plot: a diffusers scheduler config, optionally with explicit
 * inference timesteps or sigmas (a `*.schedule.json` entry, or a whole scheduler_config.json). */
export interface ScheduleEntry {
  name: string;
  /** The scheduler config as written (explicit `betas` of a schedule file arrive as `trained_betas`). */
  config: Record<string, unknown>;
  timesteps?: number[];
  sigmas?: number[];
}

export type FindingSeverity = 'error' | 'warning' | 'info' | 'hint';

/** A problem in the document, as the Problems panel shows it. */
export interface InspectorFinding {
  severity: FindingSeverity;
  message: string;
  code: string;
  /** JSON path in the document, e.g. ['schedules', 'sd15', 'config', 'beta_schedule']. */
  path: (string | number)[];
  /** Line (0-based) where the finding's value starts, for "go to" from the preview. */
  line: number;
}

/** A set of schedules shown together, e.g. one document. */
export interface ScheduleSource {
  /** Stable id chosen by the host: 'document' for the open document, an opaque id for overlays. */
  id: string;
  label: string;
  schedules: ScheduleEntry[];
  findings: InspectorFinding[];
  /** Set when nothing can be plotted: broken JSON, a value too large to inspect, a wrong root type. */
  error?: string;
}

export type ExportFormat = 'png' | 'svg' | 'csv';

export type HostToInspector =
  /** The open document, after every edit (debounced) and on 'ready'. */
  | { type: 'document'; version: number; source: ScheduleSource }
  /** Other schedule files to draw over the document's curves. */
  | { type: 'overlays'; overlays: ScheduleSource[] };

export type InspectorToHost =
  | { type: 'ready' }
  /** Ask the host to pick another schedule file (file dialog) and add it as an overlay. */
  | { type: 'addOverlayFile' }
  | { type: 'removeOverlay'; id: string }
  /** Save exported plot data; the host asks where. PNG arrives as bytes, SVG and CSV as text. */
  | { type: 'export'; format: ExportFormat; fileName: string; data: Uint8Array | string }
  /** Run the generate workbench with the named schedule of the document, with the sampler class
   * ('' as configured) and step count chosen in the inspector. */
  | { type: 'generate'; schedule: string; sampler: string; steps: number }
  /** Move the text editor's cursor to a finding. */
  | { type: 'reveal'; line: number }
  /** Open the forward-process view on an image the host asks for, following this document. */
  | { type: 'showOnImage' };

/** Host-side check of a message from the webview (the webview is untrusted input). */
export function isInspectorMessage(value: unknown): value is InspectorToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'addOverlayFile':
    case 'showOnImage':
      return true;
    case 'removeOverlay':
      return typeof m.id === 'string';
    case 'export':
      return (
        (m.format === 'png' || m.format === 'svg' || m.format === 'csv') &&
        typeof m.fileName === 'string' &&
        (typeof m.data === 'string' || m.data instanceof Uint8Array)
      );
    case 'generate':
      return (
        typeof m.schedule === 'string' &&
        typeof m.sampler === 'string' &&
        m.sampler.length <= 100 &&
        typeof m.steps === 'number' &&
        Number.isInteger(m.steps) &&
        m.steps >= 1 &&
        m.steps <= 1000
      );
    case 'reveal':
      return typeof m.line === 'number' && Number.isInteger(m.line) && m.line >= 0;
    default:
      return false;
  }
}
