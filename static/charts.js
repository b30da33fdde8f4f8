'use strict';
// Small charts drawn by hand in SVG (no library): a line over time for compare.html's live
// figures, and horizontal bars for results.html. Every chart is an <svg role="img"> with an
// aria-label; the pages also print the figures as text beside it.

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgElement(name, attributes = {}) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  return el;
}

// A round upper end for an axis: 0.7 → 1, 13 → 20, 230 → 250, 4100 → 5000. Never below `least`,
// so a flat zero line sits at the bottom of a chart instead of filling it.
function niceMax(value, least = 1) {
  const v = Math.max(value, least);
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= v);
  return step * power;
}

// A number as a short text: 1234567 → "1,234,567", 12.345 → "12.3", 0.04 → "0.04"; null → "–".
function formatNumber(value, decimals) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const places = decimals !== undefined ? decimals
    : Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 1 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

// A line chart of points {t, v} (t in ms; v a number, or null for "no figure": a gap in the line)
// between t0 and t1, with the y axis from 0 to yMax. Replaces what the <svg> held.
// The drawing stretches to the element's size (preserveAspectRatio none), so the line keeps
// its width with vector-effect.
function drawLine(svg, points, { t0, t1, yMax, label }) {
  const W = 300;
  const H = 60;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const x = (t) => ((t - t0) / (t1 - t0)) * W;
  const y = (v) => H - (Math.min(v, yMax) / yMax) * (H - 2) - 1;
  const parts = [svgElement('line', { x1: 0, y1: H / 2, x2: W, y2: H / 2, class: 'grid' })];
  let run = []; // consecutive points that have a value: one polyline each
  const flush = () => {
    if (run.length === 1) run.push([run[0][0] + 1, run[0][1]]); // one point still shows
    if (run.length) parts.push(svgElement('polyline', { points: run.join(' '), class: 'line' }));
    run = [];
  };
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) flush();
    else run.push([x(p.t).toFixed(1), y(p.v).toFixed(1)]);
  }
  flush();
  svg.replaceChildren(...parts);
}

// Horizontal bars, one per row {name, value, runs: [values]} (value null: "no figure"), on one scale
// from 0 to xMax, with an optional target line. The names and values are printed in the chart.
function drawBars(svg, rows, { xMax, target, targetText, format, label }) {
  const W = 600;
  const ROW = 26;
  const NAME = 110;      // room for the names on the left
  const VALUE = 120;     // and for the values on the right
  const H = rows.length * ROW + (target !== null ? 18 : 4);
  const barWidth = W - NAME - VALUE;
  const x = (v) => NAME + (Math.min(v, xMax) / xMax) * barWidth;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const parts = [];
  rows.forEach((row, i) => {
    const top = i * ROW + 4;
    parts.push(svgElement('text', { x: NAME - 8, y: top + 15, class: 'name', 'text-anchor': 'end' }));
    parts[parts.length - 1].textContent = row.name;
    if (row.value !== null) {
      parts.push(svgElement('rect', { x: NAME, y: top + 2, width: Math.max(x(row.value) - NAME, 1), height: ROW - 10,
        class: row.name === 'floor' ? 'bar floor' : 'bar' }));
    }
    // Each run as a dot on the bar: how far the runs were from their median.
    for (const v of row.runs) {
      if (v !== null) parts.push(svgElement('circle', { cx: x(v), cy: top + ROW / 2 - 3, r: 2.5, class: 'run' }));
    }
    const value = svgElement('text', { x: W - VALUE + 8, y: top + 15, class: 'value' });
    value.textContent = format(row.value);
    parts.push(value);
  });
  if (target !== null) {
    const tx = x(target);
    parts.push(svgElement('line', { x1: tx, y1: 0, x2: tx, y2: rows.length * ROW + 4, class: 'target' }));
    const text = svgElement('text', { x: tx, y: H - 3, class: 'target-text', 'text-anchor': 'middle' });
    text.textContent = targetText;
    parts.push(text);
  }
  svg.replaceChildren(...parts);
}
