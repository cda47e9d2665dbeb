import assert from 'node:assert/strict';
import { test } from 'node:test';
import type uPlot from 'uplot';
import { plotsToCsv, type ExportablePlot } from '../../../../webview/shared/plotExport';

const plot = (title: string, labels: string[]): ExportablePlot => ({
  title,
  xLabel: 'step',
  yLabel: 'σ',
  logY: false,
  series: labels.map((label) => ({ label, color: '#000' })),
  chart: { data: [[0, 1], ...labels.map(() => [-1.5, 2])] } as unknown as uPlot,
});

test('CSV export: text fields that a spreadsheet would run as a formula start with a quote mark (OWASP)', () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("https://e.x","x")', '"\'=HYPERLINK(""https://e.x"",""x"")"'],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['x=1', 'x=1'],
  ];
  const csv = plotsToCsv([
    plot(
      '=cmd|/c calc',
      cases.map(([label]) => label),
    ),
  ]);
  // Numbers stay numbers, negative ones included: only text fields are guarded.
  const expected = cases.flatMap(([, field]) => [`'=cmd|/c calc,${field},0,-1.5`, `'=cmd|/c calc,${field},1,2`]);
  assert.equal(csv, ['plot,series,x,y', ...expected].join('\n') + '\n');
});
