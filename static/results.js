'use strict';
// The benchmark's results.json (written by ./benchmark into static/bench/) as charts: one section
// per load profile, one bar chart per figure the profile shows, every server and the floor side by side.

// The value of a figure as text, the way the bench's tables write it (its legend: unit, decimals).
function formatFigure(legend, value) {
  const text = formatNumber(value, legend ? legend.decimals : undefined);
  return value === null || !legend || !legend.unit || legend.unit === '/s' ? text : `${text} ${legend.unit}`;
}

function figureChart(data, profile, key) {
  const legend = (data.figures || {})[key];
  const target = (data.targets || []).find((t) => t.profile === profile.name && t.figure === key);
  const targetValue = target && typeof target.value === 'number' ? target.value : null;
  const rows = data.servers
    .filter((s) => profile.results[s.name])
    .map((s) => {
      const result = profile.results[s.name];
      const value = result.median ? result.median[key] : null;
      return {
        name: s.label || s.name,
        value: typeof value === 'number' ? value : null,
        runs: (result.runs || []).map((r) => (typeof r.figures[key] === 'number' ? r.figures[key] : null)),
      };
    });
  const everything = rows.flatMap((r) => [r.value, ...r.runs]).concat(targetValue).filter((v) => v !== null);
  const label = legend ? legend.label : key;
  const fig = document.createElement('figure');
  fig.dataset.figure = key;
  const caption = document.createElement('figcaption');
  caption.append(label + (legend && legend.better !== 'neither' ? ` (${legend.better} is better)` : ''));
  if (target) caption.append(' ', span(target.text, 'target'));
  const svg = svgElement('svg', { class: 'bars' });
  const format = (v) => formatFigure(legend, v);
  drawBars(svg, rows, {
    xMax: niceMax(Math.max(0, ...everything), 1e-9), target: targetValue, targetText: target ? target.text : '', format,
    label: `${label}, median of the runs: ` + rows.map((r) => `${r.name} ${format(r.value)}`).join(', '),
  });
  // The medians as text too, for a reader that does not see the chart.
  const medians = document.createElement('p');
  medians.className = 'medians';
  medians.textContent = rows.map((r) => `${r.name}: ${format(r.value)}`).join(' · ');
  fig.append(caption, svg, medians);
  return fig;
}

function showResults(data) {
  const machine = data.machine || {};
  $('run-info').textContent = `Run ${data.generated ? new Date(data.generated).toLocaleString() : '(no date)'}`
    + ` with ${data.command || '?'}, ${data.runs || '?'} run${data.runs === 1 ? '' : 's'} per server and profile;`
    + ` machine: ${machine.cores || '?'} cores, ${machine.os || '?'}, Java ${machine.java || '?'}.`;
  for (const profile of data.profiles) {
    const section = document.createElement('section');
    section.dataset.profile = profile.name;
    const title = document.createElement('h2');
    title.textContent = `${profile.name}: ${profile.title}`;
    const figures = document.createElement('div');
    figures.className = 'figures';
    figures.append(...profile.shown.map((key) => figureChart(data, profile, key)));
    section.append(title, figures);
    $('profiles').append(section);
  }
}

fetch('bench/results.json', { cache: 'no-store' })
  .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
  .then(showResults)
  .catch((err) => { $('run-info').textContent = 'could not read bench/results.json: ' + err.message; });
