// A scheduler config run as another class, as diffusers' `Other.from_config(config)` reads it: the keys of
// the config's own class that the other class does not take are dropped without a word (a DDIM config's
// clip_sample under DPM++); every other key stays, so one that neither class has still draws its warning.
import { SCHEDULER_CLASSES } from './schedulerClasses';

export function asSchedulerClass(
  config: Readonly<Record<string, unknown>>,
  className: string,
): Record<string, unknown> {
  const own = typeof config._class_name === 'string' ? classKeys(config._class_name) : undefined;
  const other = classKeys(className);
  const dropped = (key: string) => own !== undefined && other !== undefined && own.has(key) && !other.has(key);
  const kept = Object.entries(config).filter(([key]) => !dropped(key));
  return { ...Object.fromEntries(kept), _class_name: className };
}

function classKeys(className: string): Set<string> | undefined {
  return Object.hasOwn(SCHEDULER_CLASSES, className)
    ? new Set(Object.keys(SCHEDULER_CLASSES[className].keys))
    : undefined;
}
