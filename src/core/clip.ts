// Text cut for a message or a label, where a long value would push everything else out of sight.

/** Longest echo of a value in a message. */
const ECHO_MAX = 80;

/** Text cut to `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max = ECHO_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
