import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { forwardSchedules, MAX_FORWARD_SCHEDULES } from '../../../../src/extension/forward/forwardSchedules';
import { readScheduleDocument } from '../../../../src/documents/scheduleDocument';

const sdxl = readFileSync('test/fixtures/schedules/sdxl/scheduler_config.json', 'utf8');

test('a followed document’s schedules come first, then each overlay file’s, labelled by file', () => {
  const file = JSON.stringify({
    schedules: { a: { config: { _class_name: 'DDIMScheduler' } }, b: { config: { _class_name: 'DDIMScheduler' } } },
  });
  const set = forwardSchedules({ label: 'sdxl', doc: readScheduleDocument(sdxl, 'config', 'sdxl') }, [
    { label: 'two.schedule.json', doc: readScheduleDocument(file, 'scheduleFile', 'two') },
    { label: 'sd15/scheduler_config.json', doc: readScheduleDocument(sdxl, 'config', 'sd15') },
  ]);
  assert.deepEqual(
    set.schedules.map((s) => s.name),
    ['sdxl', 'two.schedule.json: a', 'two.schedule.json: b', 'sd15/scheduler_config.json'],
  );
  assert.equal(set.label, 'sdxl');
  assert.equal(set.error, undefined);
});

test('a broken document or overlay is named in the error; too many schedules are cut with a note', () => {
  const broken = forwardSchedules(
    { label: 'mine', doc: readScheduleDocument('{ "beta_start": ', 'config', 'mine') },
    [],
  );
  assert.equal(broken.schedules.length, 0);
  assert.ok(broken.error);
  const many = JSON.stringify({
    schedules: Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`s${i}`, { config: { _class_name: 'DDIMScheduler' } }]),
    ),
  });
  const cut = forwardSchedules({ label: 'many', doc: readScheduleDocument(many, 'scheduleFile', 'many') }, []);
  assert.equal(cut.schedules.length, MAX_FORWARD_SCHEDULES);
  assert.match(cut.error!, /first 8 of 10/);
});
