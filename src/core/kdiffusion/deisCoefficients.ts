// DEIS "tab" coefficients (Zhang & Chen 2023, arXiv:2204.13902, eq. 15), as ComfyUI's
// comfy/k_diffusion/deis.py computes them (from zju-pi/diff-sampler): σ is mapped to the time of a VP SDE
// fitted to EDM's σ range [0.002, 80] (whatever the model's), and ∫ of the exponential-integrator weight
// times each Lagrange basis polynomial is a Riemann sum over N = 10000 points of linspace(t_i, t_{i+1}).

const EPS_S = 1e-3;
const EDM_SIGMA_MIN = 0.002;
const EDM_SIGMA_MAX = 80;
const N = 10000;

/** VP SDE time t(σ) and the β(t) = β0 + t·(β1 − β0) of the fitted schedule (ComfyUI's edm2t). */
function edmToVpTime(sigmas: ArrayLike<number>): { t: Float64Array; beta0: number; beta1: number } {
  const lmax = Math.log(EDM_SIGMA_MAX ** 2 + 1);
  const betaD = (2 * (Math.log(EDM_SIGMA_MIN ** 2 + 1) / EPS_S - lmax)) / (EPS_S - 1);
  const betaMin = lmax - 0.5 * betaD;
  const t = Float64Array.from(
    sigmas,
    (s) => (Math.sqrt(betaMin ** 2 + 2 * betaD * Math.log(s * s + 1)) - betaMin) / betaD,
  );
  return { t, beta0: betaMin, beta1: betaD + betaMin };
}

/** Per step i, the weights of the current slope and the order − 1 earlier ones ([] where order is 1). */
export function deisCoefficients(sigmas: ArrayLike<number>, maxOrder: number): number[][] {
  const { t, beta0, beta1 } = edmToVpTime(sigmas);
  // −½·d log α/dτ / √(α(1 − α)), α(τ) = exp(−½τ²(β1 − β0) − τβ0)
  const integrand = (tau: number) => {
    const alpha = Math.exp(-0.5 * tau * tau * (beta1 - beta0) - tau * beta0);
    return (0.5 * (tau * (beta1 - beta0) + beta0)) / Math.sqrt(alpha * (1 - alpha));
  };
  const out: number[][] = [];
  for (let i = 0; i + 1 < t.length; i++) {
    const order = Math.min(i + 1, maxOrder);
    if (order === 1) {
      out.push([]);
      continue;
    }
    const prev = Array.from({ length: order }, (_, k) => t[i - k]);
    const dtau = (t[i + 1] - t[i]) / N;
    const coeffs = new Array<number>(order).fill(0);
    for (let n = 0; n < N; n++) {
      const tau = t[i] + ((t[i + 1] - t[i]) * n) / (N - 1);
      const w = integrand(tau);
      for (let j = 0; j < order; j++) {
        let poly = 1;
        for (let k = 0; k < order; k++) if (k !== j) poly *= (tau - prev[k]) / (prev[j] - prev[k]);
        coeffs[j] += w * poly;
      }
    }
    out.push(coeffs.map((c) => c * dtau));
  }
  return out;
}
