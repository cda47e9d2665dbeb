// A linear pre-scan for JSON nested too deep to read: recursive parsers (jsonc-parser, and any code
// that walks the value) overflow the stack at a few thousand levels, which a 15 KB file reaches.

/** Offset of the first `{` or `[` (outside strings) that opens level `maxDepth + 1`, if any. One pass,
 * no allocation; it does not validate the JSON otherwise. */
export function tooDeepAt(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Whether a parsed JSON value nests objects or lists more than `maxDepth` levels deep. Iterative, so a
 * value of any depth can be asked about before code that walks it recursively sees it. */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(v)) if (typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
