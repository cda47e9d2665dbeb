// LMS: k-diffusion's sample_lms, a linear multistep method in σ (Adams–Bashforth with the Lagrange
// basis integrated over each step), after Karras et al. 2022, https://arxiv.org/abs/2206.00364.
import type { NoiseSource } from '../rng/noiseSource';
import type { Tensor } from '../tensor/tensor';
import type { StepOptions, StepOutput } from './scheduler';
import { SigmaScheduler } from './sigmaScheduler';
import { sigmaPrediction, stepOutputs } from './stepMath';

const MAX_ORDER = 4;
// 4-point Gauss–Legendre nodes and weights on [−1, 1]: exact for the cubic Lagrange basis, where
// diffusers calls scipy's adaptive quad.
const GL_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

export class LMSDiscreteScheduler extends SigmaScheduler {
  readonly className = 'LMSDiscreteScheduler';
  /** Past derivatives (x − x̂0)/σ, newest last, and free buffers. */
  private derivatives: Float64Array[] = [];
  private spare: Float64Array[] = [];
  private size = 0;
  private readonly coeffs = new Float64Array(MAX_ORDER);

  protected override reset(): void {
    this.spare.push(...this.derivatives);
    this.derivatives = [];
  }

  /** ∫ from σ_i to σ_{i+1} of the Lagrange basis polynomial of point i−j over points i, …, i−order+1. */
  private coefficient(order: number, i: number, j: number): number {
    const s = this.sigmas;
    const basis = (tau: number) => {
      let prod = 1;
      for (let k = 0; k < order; k++) if (k !== j) prod *= (tau - s[i - k]) / (s[i - j] - s[i - k]);
      return prod;
    };
    const [a, b] = [s[i], s[i + 1]];
    let sum = 0;
    for (let g = 0; g < GL_X.length; g++) sum += GL_W[g] * basis(((b - a) * GL_X[g] + a + b) / 2);
    return (sum * (b - a)) / 2;
  }

  step(modelOutput: Tensor, t: number, sample: Tensor, _noise?: NoiseSource, options?: StepOptions): StepOutput {
    const out = stepOutputs(this.className, modelOutput, sample, options?.out);
    const i = this.follow(t);
    const sigma = this.sigmas[i];
    const x = sample.data;
    const n = x.length;
    if (this.size !== n) {
      this.spare = Array.from({ length: MAX_ORDER }, () => new Float64Array(n));
      this.derivatives = [];
      this.size = n;
    }
    const d = this.derivatives.length === MAX_ORDER ? this.derivatives.shift()! : this.spare.pop()!;
    const { p, q } = sigmaPrediction(this.config.prediction_type, sigma);
    const m = modelOutput.data;
    const x0 = out.predOriginalSample.data;
    for (let k = 0; k < n; k++) {
      x0[k] = p * x[k] + q * m[k];
      d[k] = (x[k] - x0[k]) / sigma;
    }
    this.derivatives.push(d);
    const order = Math.min(i + 1, MAX_ORDER);
    const coeffs = this.coeffs;
    for (let j = 0; j < order; j++) coeffs[j] = this.coefficient(order, i, j);
    const prev = out.prevSample.data;
    const h = this.derivatives;
    // Fewer derivatives than the order only when a run starts mid-schedule; diffusers' zip drops the rest.
    const terms = Math.min(order, h.length);
    for (let k = 0; k < n; k++) {
      let v = x[k];
      for (let j = 0; j < terms; j++) v += coeffs[j] * h[h.length - 1 - j][k];
      prev[k] = v;
    }
    this.advance();
    return out;
  }
}
