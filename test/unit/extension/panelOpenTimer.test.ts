// The host's open-time bookkeeping: one line per open, from the clock at creation, untrusted input ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PanelOpenTimer, timePanelOpen } from '../../../src/extension/panelOpenTimer';
import { parsePanelOpened } from '../../../src/protocol/panelOpened';

function setup() {
  const lines: string[] = [];
  const warnings: string[] = [];
  const clock = { t: 1000 };
  const log = { info: (s: string) => lines.push(s), warn: (s: string) => warnings.push(s) };
  const timer = new PanelOpenTimer('workbench', log, () => clock.t);
  return { lines, warnings, clock, timer };
}

test('visible then usable: one line with both times since creation', () => {
  const { lines, clock, timer } = setup();
  clock.t = 1042;
  assert.equal(timer.receive({ type: 'panelOpened', phase: 'visible' }), true);
  assert.deepEqual(lines, []);
  clock.t = 1310;
  assert.equal(timer.receive({ type: 'panelOpened', phase: 'usable' }), true);
  assert.deepEqual(lines, ['workbench opened: visible 42 ms, usable 310 ms']);
});

test('only the first open is logged; a later visible/usable (webview reloaded) is consumed silently', () => {
  const { lines, clock, timer } = setup();
  timer.receive({ type: 'panelOpened', phase: 'visible' });
  clock.t = 1100;
  timer.receive({ type: 'panelOpened', phase: 'visible' });
  timer.receive({ type: 'panelOpened', phase: 'usable' });
  clock.t = 5000;
  assert.equal(timer.receive({ type: 'panelOpened', phase: 'visible' }), true);
  assert.equal(timer.receive({ type: 'panelOpened', phase: 'usable' }), true);
  assert.deepEqual(lines, ['workbench opened: visible 0 ms, usable 100 ms']);
});

test('usable without visible counts as visible at the same time', () => {
  const { lines, clock, timer } = setup();
  clock.t = 1250;
  timer.receive({ type: 'panelOpened', phase: 'usable' });
  assert.deepEqual(lines, ['workbench opened: visible 250 ms, usable 250 ms']);
});

test("other messages are left to the surface's own handler", () => {
  const { lines, warnings, timer } = setup();
  for (const m of [{ type: 'ready' }, null, 'panelOpened', 7, [], { phase: 'usable' }])
    assert.equal(timer.receive(m), false);
  assert.deepEqual([lines, warnings], [[], []]);
});

test('a malformed panelOpened is consumed with a warning and stops nothing', () => {
  const { lines, warnings, timer } = setup();
  assert.equal(timer.receive({ type: 'panelOpened', phase: 'done' }), true);
  assert.equal(timer.receive({ type: 'panelOpened' }), true);
  assert.deepEqual(lines, []);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /workbench: ignored a malformed panelOpened/);
});

test('parsePanelOpened keeps only the known fields', () => {
  assert.deepEqual(parsePanelOpened({ type: 'panelOpened', phase: 'visible', extra: 'x'.repeat(10) }), {
    type: 'panelOpened',
    phase: 'visible',
  });
  assert.equal(parsePanelOpened({ type: 'panelOpened', phase: 1 }), undefined);
});

test("timePanelOpen listens on the webview with a timer of its own and returns the listener's disposable", () => {
  const lines: string[] = [];
  let listener: ((m: unknown) => void) | undefined;
  const webview = {
    onDidReceiveMessage(l: (m: unknown) => void) {
      listener = l;
      return 'disposable';
    },
  };
  assert.equal(timePanelOpen(webview, 'sweep grid', { info: (s) => lines.push(s), warn: () => {} }), 'disposable');
  listener!({ type: 'ready' });
  listener!({ type: 'panelOpened', phase: 'usable' });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^sweep grid opened: visible \d+ ms, usable \d+ ms$/);
});
