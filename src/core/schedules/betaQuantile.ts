/** Quantile (inverse CDF) of the Beta(a, b) distribution, the x with I_x(a, b) = p, as
 * scipy.stats.beta.ppf. I_x is the regularised incomplete beta function, evaluated by its continued
 * fraction (modified Lentz; DLMF 8.17.22, Numerical Recipes §6.4), and inverted by Newton steps kept
 * inside a shrinking bracket so it cannot diverge where the density is singular (a or b < 1).
 * Accurate to about 1e-14 for moderate a, b. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Solve in whichever tail keeps p small, so I_x − p does not cancel.
  if (p > 0.5) return 1 - betaQuantile(1 - p, b, a);
  const lbeta = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  // Near 0, I_x ≈ x^a / (a·B(a,b)); start there and let the bracket correct it.
  let x = Math.min(Math.exp((Math.log(p * a) + lbeta) / a), 0.5);
  for (let iter = 0; iter < 200; iter++) {
    const err = regularizedIncompleteBeta(x, a, b, lbeta) - p;
    if (err === 0) return x;
    if (err > 0) hi = x;
    else lo = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta);
    let next = x - err / density;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-16 * x || hi - lo <= 1e-16 * x) return next;
    x = next;
  }
  return x;
}

/** I_x(a, b) = B(x; a, b)/B(a, b), with lbeta = log B(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number, lbeta = logBeta(a, b)): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lbeta);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): about 15 significant digits.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  // Reflection keeps the series in its accurate range.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
