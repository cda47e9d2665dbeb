// What a user can do with one generated image, from any surface that shows it (the workbench, the
// side-panel gallery, the image panel). Webviews name the image by run id and index; the host
// looks the run up in its store and never takes a path from a webview.

export type ImageActionKind =
  'open' | 'rerun' | 'varySeed' | 'copySeed' | 'copyParameters' | 'reveal' | 'forward' | 'initImage';

export const IMAGE_ACTIONS: readonly { kind: ImageActionKind; label: string; title: string }[] = [
  { kind: 'open', label: 'Open', title: 'Open this run in the workbench' },
  { kind: 'rerun', label: 'Re-run', title: 'Make this image again now (same seed and parameters)' },
  { kind: 'varySeed', label: 'Vary seed', title: 'Make a new image: a new seed, the same parameters' },
  {
    kind: 'initImage',
    label: 'Use as init image',
    title: 'Start runs from this image in the workbench (image-to-image, inpainting, inversion)',
  },
  { kind: 'copySeed', label: 'Copy seed', title: "Copy this image's seed" },
  { kind: 'copyParameters', label: 'Copy parameters', title: "Copy this image's parameters (A1111 format)" },
  { kind: 'reveal', label: 'Reveal', title: 'Show the saved file in the explorer' },
  { kind: 'forward', label: 'Forward process', title: 'See this image noised under several schedules' },
];

/** One image of a stored run. */
export interface ImageRef {
  runId: string;
  /** The image's place in its batch. */
  index: number;
}

export interface ImageActionMessage extends ImageRef {
  type: 'imageAction';
  action: ImageActionKind;
}

/** Every action but those named, in the order the bars show them. */
export function imageActionsExcept(...left: ImageActionKind[]): ImageActionKind[] {
  return IMAGE_ACTIONS.map((a) => a.kind).filter((k) => !left.includes(k));
}

const RUN_ID = /^[a-z0-9-]{1,64}$/;
const KINDS = new Set<string>(IMAGE_ACTIONS.map((a) => a.kind));

/** Host-side check of an image action message; undefined when it is not one. */
export function parseImageAction(m: Record<string, unknown>): ImageActionMessage | undefined {
  const { runId, index, action } = m;
  if (m.type !== 'imageAction' || typeof runId !== 'string' || !RUN_ID.test(runId)) return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 1000) return undefined;
  if (typeof action !== 'string' || !KINDS.has(action)) return undefined;
  return { type: 'imageAction', runId, index, action: action as ImageActionKind };
}
