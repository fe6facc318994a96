import { h, svg } from './dom.js';

// Plain SVG charts (no library): each is an <svg role="img"> with a <title> and a <desc> that
// says what it shows in words; the numbers are also in a table beside it, for anyone who does
// not see the chart. Sizes are in viewBox units; the SVG scales to its container.

let serial = 0;

function frame(title, desc, width, height) {
  const id = `chart-${++serial}`;
  const el = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMinYMin meet' });
  const t = svg('title', { id: `${id}-title` });
  t.textContent = title;
  const d = svg('desc', { id: `${id}-desc` });
  d.textContent = desc;
  el.append(t, d);
  return el;
}

function text(x, y, content, attrs = {}) {
  const el = svg('text', { x, y, ...attrs });
  el.textContent = content;
  return el;
}

/**
 * Horizontal bars, one per row, each made of segments ({value, color, name}) laid end to end.
 * {@code format} writes a row's total at the bar's end.
 */
export function barChart(title, desc, rows, format = String) {
  const labelWidth = 150;
  const width = 640;
  const barHeight = 22;
  const height = rows.length * (barHeight + 10) + 10;
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((s, x) => s + Math.max(0, x.value), 0)));
  const room = width - labelWidth - 70;
  const el = frame(title, desc, width, height);
  rows.forEach((row, i) => {
    const y = 10 + i * (barHeight + 10);
    el.append(text(labelWidth - 8, y + barHeight * 0.7, clip(row.label, 18), { 'text-anchor': 'end', class: 'chart-label' }));
    let x = labelWidth;
    let total = 0;
    for (const seg of row.segments) {
      const w = room * Math.max(0, seg.value) / max;
      if (w > 0) {
        const rect = svg('rect', { x, y, width: w, height: barHeight, fill: seg.color });
        const tip = svg('title');
        tip.textContent = `${row.label}: ${seg.name} ${format(seg.value)}`;
        rect.append(tip);
        el.append(rect);
      }
      x += w;
      total += Math.max(0, seg.value);
    }
    el.append(text(x + 6, y + barHeight * 0.7, row.empty ? row.empty : format(total), { class: 'chart-value' }));
  });
  return el;
}

/**
 * Lines over time, one per series ({name, color, values}), over {@code count} buckets starting
 * at {@code start} (ms), {@code bucketMs} long; ticks name the buckets (hours or days).
 */
export function lineChart(title, desc, series, start, bucketMs, count) {
  const width = 640;
  const height = 240;
  const left = 40;
  const bottom = 30;
  const top = 10;
  const right = 28;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => left + (width - left - right) * (count <= 1 ? 0 : i / (count - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const el = frame(title, desc, width, height);
  for (const v of [0, Math.ceil(max / 2), max]) {
    el.append(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'chart-grid' }),
      text(left - 6, y(v) + 4, String(v), { 'text-anchor': 'end', class: 'chart-value' }));
  }
  const step = Math.max(1, Math.ceil(count / 8));
  for (let i = 0; i < count; i += step) {
    el.append(text(x(i), height - 8, tick(start + i * bucketMs, bucketMs), { 'text-anchor': 'middle', class: 'chart-value' }));
  }
  series.forEach((s, index) => {
    // Every other line dashed, so two people with the same numbers both stay visible.
    const dash = index % 2 ? { 'stroke-dasharray': '7 5' } : {};
    el.append(svg('polyline', { points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(' '), fill: 'none',
      stroke: s.color, 'stroke-width': 2.5, class: 'chart-line', ...dash }));
    s.values.forEach((v, i) => {
      if (v > 0) {
        const dot = svg('circle', { cx: x(i), cy: y(v), r: 3.5, fill: s.color });
        const tip = svg('title');
        tip.textContent = `${s.name}: ${v} at ${tick(start + i * bucketMs, bucketMs)}`;
        dot.append(tip);
        el.append(dot);
      }
    });
  });
  return el;
}

/** A legend for a chart's colours. */
export function legend(items) {
  return h('ul', { class: 'legend' }, items.map((i) => h('li', {},
    h('span', { class: 'swatch', style: `background:${i.color}`, 'aria-hidden': 'true' }), i.name)));
}

function tick(ms, bucketMs) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return bucketMs < 86_400_000 ? `${pad(d.getHours())}:00` : `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function clip(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
