// The words for a schedule a scheduler refuses: the same in the engine's BAD_REQUEST and a sweep's finding.
import type { SetTimestepsOptions } from './scheduler';

/** "1 step", "4 steps". */
export const stepCount = (n: number): string => `${n} step${n === 1 ? '' : 's'}`;

/** What a schedule asks of a scheduler: its steps, or its explicit timesteps or σ. */
export function scheduleAsked(steps: number, custom?: SetTimestepsOptions): string {
  return custom ? `custom ${custom.timesteps ? 'timesteps' : 'sigmas'}` : stepCount(steps);
}

/** "<Class> cannot take <what>: <why>", the class named once where its own message starts with it too. */
export function scheduleRefusal(className: string, what: string, err: unknown): string {
  const why = (err as Error).message.replace(new RegExp(`^${className}(\\.\\w+)?: `), '');
  return `${className} cannot take ${what}: ${why}`;
}
