/** Python's `round(x, digits)` for a float: the double nearest to x rounded to `digits` decimals,
 * judged on x's exact binary value, ties to even (torchsde quantises its Brownian-tree times this
 * way, so a different tie rule would move a node boundary). `toFixed` is exact too but breaks ties
 * away from zero; a tie needs x·2^(digits+1) to be an odd integer, which is tested exactly. */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`pythonRound: invalid digits ${digits}`);
  }
  const fixed = Math.abs(x).toFixed(digits);
  const scaled = Math.abs(x) * 2 ** (digits + 1); // exact: a power-of-two scaling
  const tie = Number.isInteger(scaled) && scaled % 2 === 1;
  const magnitude = tie && isOddLastDigit(fixed) ? decrementLastDigit(fixed, digits) : fixed;
  return Math.sign(x) * Number(magnitude);
}

function isOddLastDigit(fixed: string): boolean {
  return Number(fixed[fixed.length - 1]) % 2 === 1;
}

/** The decimal one unit in the last place below `fixed` (≥ 1 there, as it was rounded up). */
function decrementLastDigit(fixed: string, digits: number): string {
  const units = (BigInt(fixed.replace('.', '')) - 1n).toString().padStart(digits + 1, '0');
  return digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
}
