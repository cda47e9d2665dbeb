// What the forward view is sent to draw: a followed schedule document's schedules, then those of the
// overlay files the schedule preview had, labelled as the preview labels them. Pure: unit-tested.
import type { ForwardSchedules } from '../../protocol/forward';
import type { ScheduleEntry } from '../../protocol/schedule';
import type { ScheduleDocument } from '../../documents/scheduleDocument';

/** More pictures than this do not fit a row; the rest are dropped with a note. */
export const MAX_FORWARD_SCHEDULES = 8;

export interface NamedDocument {
  label: string;
  doc: ScheduleDocument;
}

export function forwardSchedules(document: NamedDocument, overlays: readonly NamedDocument[]): ForwardSchedules {
  const entries: ScheduleEntry[] = [...document.doc.schedules];
  const problems = document.doc.error ? [document.doc.error] : [];
  for (const o of overlays) {
    if (o.doc.error) problems.push(`${o.label}: ${o.doc.error}`);
    // A file with one schedule is labelled by the file alone.
    const single = o.doc.schedules.length === 1;
    entries.push(...o.doc.schedules.map((s) => ({ ...s, name: single ? o.label : `${o.label}: ${s.name}` })));
  }
  if (entries.length > MAX_FORWARD_SCHEDULES) {
    problems.push(`showing the first ${MAX_FORWARD_SCHEDULES} of ${entries.length} schedules`);
  }
  const schedules = entries.slice(0, MAX_FORWARD_SCHEDULES);
  return { label: document.label, schedules, ...(problems.length ? { error: problems.join(' · ') } : {}) };
}
