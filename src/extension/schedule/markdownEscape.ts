// Text from a schedule file (schedule names, keys) put into hover Markdown. VS Code renders hover
// Markdown with links, images and autolinked URLs, so a file could show a fake link or load a remote
// image; these keep such text literal.

import { clip } from '../../core/clip';

/** Longest piece of file text a hover quotes. */
const MAX_QUOTED = 80;

/** Plain text: every ASCII punctuation character backslash-escaped (CommonMark renders each escape
 * as the character itself, and "https\:\/\/" is no autolink), line breaks folded, long text cut. */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A code span showing `text` literally: backslashes do not escape inside code, so the fence is one
 * backtick longer than the longest run inside, padded where the text starts or ends with one. */
export function markdownCode(text: string): string {
  const line = oneLine(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return clip(line, MAX_QUOTED);
}
