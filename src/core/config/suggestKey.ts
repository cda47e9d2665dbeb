// "Did you mean …?" for misspelt config keys: diffusers ignores an unknown key with a log line, so a
// typo such as use_karas_sigmas silently runs the default schedule.

/** Keys longer than this get no suggestion, which bounds the work a hostile file can cause. */
const MAX_KEY_LENGTH = 64;

/** The known key closest to `key` by edit distance (insertions, deletions, substitutions and swaps of
 * neighbours, ignoring case), if one is close enough to be a typo: at most 2 edits, and fewer than a
 * third of the key's length. */
export function suggestKey(key: string, known: Iterable<string>): string | undefined {
  if (key.length > MAX_KEY_LENGTH) return undefined;
  const limit = Math.min(2, Math.ceil(key.length / 3) - 1);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Optimal-string-alignment distance (Levenshtein plus transpositions), O(|a|·|b|). */
function editDistance(a: string, b: string): number {
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], prev2[j - 2] + 1);
    }
    [prev2, prev] = [prev, row];
  }
  return prev[b.length];
}
