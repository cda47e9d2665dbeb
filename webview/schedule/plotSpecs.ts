// Which charts the inspector shows and what goes on their axes.
import type { Curve, PlotSpec } from './plotGrid';
import type { ComputedSchedule } from './scheduleSeries';

/** A computed schedule with the style it is drawn in. */
export interface DrawnSchedule {
  label: string;
  color: string;
  dash?: number[];
  computed: ComputedSchedule;
}

export function plotSpecs(drawn: DrawnSchedule[]): PlotSpec[] {
  const curve = (d: DrawnSchedule, x: ArrayLike<number>, y: ArrayLike<number | null>): Curve => ({
    label: d.label,
    color: d.color,
    dash: d.dash,
    x,
    y,
  });
  const training = (
    id: string,
    title: string,
    yLabel: string,
    logY: boolean,
    pick: (c: ComputedSchedule) => ArrayLike<number | null>,
  ): PlotSpec => ({
    id,
    title,
    xLabel: 'training timestep t',
    yLabel,
    logY,
    syncKey: 'training',
    curves: drawn.map((d) => curve(d, d.computed.training.t, pick(d.computed))),
  });
  return [
    training('beta', 'β_t (noise added per step)', 'β', false, (c) => c.training.beta),
    training('alphaBar', 'ᾱ_t (signal kept)', 'ᾱ', false, (c) => c.training.alphaBar),
    training('logSnr', 'log-SNR λ_t = ln(ᾱ/(1−ᾱ))', 'λ', false, (c) => c.training.logSnr),
    training('sigma', 'σ_t = √((1−ᾱ)/ᾱ)', 'σ', true, (c) => c.training.sigma),
    {
      id: 'timesteps',
      title: 'Timesteps the sampler visits',
      xLabel: 'step',
      yLabel: 't',
      logY: false,
      syncKey: 'steps',
      curves: drawn.map((d) => curve(d, d.computed.steps.index, d.computed.steps.timesteps)),
    },
    {
      id: 'stepSigmas',
      title: 'σ the sampler visits',
      xLabel: 'step',
      yLabel: 'σ',
      logY: true,
      syncKey: 'steps',
      curves: drawn.map((d) => curve(d, d.computed.steps.sigmaIndex, d.computed.steps.sigmas)),
    },
    {
      id: 'logSnrGap',
      title: 'log-SNR gap between consecutive steps',
      xLabel: 'step',
      yLabel: 'Δλ',
      logY: false,
      syncKey: 'steps',
      curves: drawn.map((d) => curve(d, d.computed.steps.gapIndex, d.computed.steps.gap)),
    },
  ];
}
