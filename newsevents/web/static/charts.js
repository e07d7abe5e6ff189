// newsevents dashboard charts: time series, world map and actor network, drawn as SVG.
// Every label and tooltip is set with textContent: names come from articles and are never markup.
"use strict";

const NewsCharts = (() => {
  const NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, content, attrs) {
    const node = el("text", Object.assign({ x, y }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }

  function tooltip(node, content) {
    el("title", {}, node).textContent = content;
  }

  function clear(svg) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
  }

  function fmt(value, digits) {
    return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
  }

  // Goldstein -10 (conflict, red) .. 0 (grey) .. +10 (cooperation, green).
  function goldsteinColour(value) {
    if (value === null || value === undefined) return "#bbbbbb";
    const t = Math.max(-1, Math.min(1, value / 10));
    const grey = [190, 190, 190];
    const end = t >= 0 ? [26, 152, 80] : [215, 48, 39];
    const mix = grey.map((g, i) => Math.round(g + (end[i] - g) * Math.abs(t) ** 0.6));
    return `rgb(${mix.join(",")})`;
  }

  // Event counts: pale to dark blue, on a square-root scale so small countries still show.
  function countColour(value, max) {
    if (!value) return "#eef0f2";
    const t = Math.sqrt(value / Math.max(max, 1));
    const low = [198, 219, 239], high = [8, 48, 107];
    return `rgb(${low.map((l, i) => Math.round(l + (high[i] - l) * t)).join(",")})`;
  }

  function empty(svg, message) {
    clear(svg);
    const box = svg.viewBox.baseVal;
    text(svg, box.width / 2, box.height / 2, message, { class: "empty", "text-anchor": "middle" });
  }

  // -- time series ---------------------------------------------------------------------------

  function timeseries(svg, data) {
    clear(svg);
    const rows = data.rows;
    if (!rows.length) return empty(svg, "No events match these filters.");
    const width = 640, left = 44, right = 8, top = 14, countHeight = 150, gTop = 222, gHalf = 40;
    const step = (width - left - right) / rows.length;
    const max = Math.max(1, ...rows.map((r) => r.events));
    const bars = el("g", { class: "bars" }, svg);
    const gold = el("g", { class: "goldstein" }, svg);
    rows.forEach((row, i) => {
      const w = Math.max(1, Math.min(step * 0.8, 40)), x = left + i * step + (step - w) / 2;
      const h = (row.events / max) * countHeight;
      const bar = el("rect", { x, y: top + countHeight - h, width: w, height: h, class: "count" }, bars);
      tooltip(bar, `${row.period}: ${row.events} events, mean Goldstein ${fmt(row.goldstein_mean, 1)}`);
      if (row.goldstein_mean !== null && row.events) {
        const g = (row.goldstein_mean / 10) * gHalf;
        const mark = el("rect", {
          x, width: w, y: g >= 0 ? gTop - g : gTop, height: Math.max(1, Math.abs(g)),
          fill: goldsteinColour(row.goldstein_mean), class: "gold",
        }, gold);
        tooltip(mark, `${row.period}: mean Goldstein ${fmt(row.goldstein_mean, 2)}`);
      }
    });
    el("line", { x1: left, x2: width - right, y1: top + countHeight, y2: top + countHeight, class: "axis" }, svg);
    el("line", { x1: left, x2: width - right, y1: gTop, y2: gTop, class: "axis zero" }, svg);
    text(svg, left - 4, top + 8, String(max), { "text-anchor": "end", class: "tick" });
    text(svg, left - 4, top + countHeight, "0", { "text-anchor": "end", class: "tick" });
    text(svg, left - 4, gTop - gHalf + 8, "+10", { "text-anchor": "end", class: "tick" });
    text(svg, left - 4, gTop + 4, "0", { "text-anchor": "end", class: "tick" });
    text(svg, left - 4, gTop + gHalf, "−10", { "text-anchor": "end", class: "tick" });
    text(svg, width - right, gTop - gHalf + 8, "cooperation ↑", { class: "tick coop", "text-anchor": "end" });
    text(svg, width - right, gTop + gHalf, "conflict ↓", { class: "tick conflict", "text-anchor": "end" });
    const labels = rows.length > 1 ? [0, Math.floor((rows.length - 1) / 2), rows.length - 1] : [0];
    for (const i of new Set(labels)) {  // the first and last labels stay inside the chart
      const anchor = rows.length === 1 ? "middle" : i === 0 ? "start" : i === rows.length - 1 ? "end" : "middle";
      const x = anchor === "start" ? left : anchor === "end" ? width - right : left + (i + 0.5) * step;
      text(svg, x, 292, String(rows[i].period), { "text-anchor": anchor, class: "tick" });
    }
  }

  // -- world map -----------------------------------------------------------------------------

  // TopoJSON: arcs are delta-encoded and quantised; a ring lists arcs, ~i meaning arc i reversed.
  function decodeArcs(topology) {
    const [sx, sy] = topology.transform.scale, [tx, ty] = topology.transform.translate;
    return topology.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map(([dx, dy]) => {
        x += dx; y += dy;
        return [x * sx + tx, y * sy + ty];
      });
    });
  }

  function project([lon, lat]) {
    return [(lon + 180) * 2, (90 - lat) * 2];
  }

  function ringPath(ring, arcs) {
    const points = [];
    ring.forEach((index, n) => {
      const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
      points.push(...(n ? arc.slice(1) : arc));
    });
    return "M" + points.map((p) => project(p).map((v) => v.toFixed(1)).join(",")).join("L") + "Z";
  }

  function shapePath(shape, arcs) {
    const polygons = shape.type === "Polygon" ? [shape.arcs] : shape.type === "MultiPolygon" ? shape.arcs : [];
    return polygons.map((rings) => rings.map((ring) => ringPath(ring, arcs)).join("")).join("");
  }

  let world = null;

  async function loadWorld() {
    if (!world) {
      const response = await fetch("/world.json");
      const topology = await response.json();
      const arcs = decodeArcs(topology);
      world = topology.objects.countries.geometries.map((shape) => ({
        id: shape.id, name: (shape.properties || {}).name || shape.id, d: shapePath(shape, arcs),
      }));
    }
    return world;
  }

  async function map(svg, data) {
    const shapes = await loadWorld();
    clear(svg);
    el("rect", { x: 0, y: 0, width: 720, height: 360, class: "sea" }, svg);
    const byCountry = new Map(data.countries.map((c) => [c.country, c]));
    const max = Math.max(1, ...data.countries.map((c) => c.events));
    const countries = el("g", { class: "countries" }, svg);
    for (const shape of shapes) {
      const row = byCountry.get(shape.id);
      const fill = data.shade === "goldstein"
        ? (row ? goldsteinColour(row.goldstein_mean) : "#eef0f2")
        : countColour(row ? row.events : 0, max);
      const path = el("path", { d: shape.d, fill, class: row ? "country has-events" : "country", "data-id": shape.id }, countries);
      tooltip(path, row
        ? `${shape.name}: ${row.events} events, mean Goldstein ${fmt(row.goldstein_mean, 1)}`
        : shape.name);
    }
    const points = el("g", { class: "points" }, svg);
    const top = Math.max(1, ...data.points.map((p) => p.events));
    for (const point of data.points) {
      const [x, y] = project([point.lon, point.lat]);
      const dot = el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: (2 + 6 * Math.sqrt(point.events / top)).toFixed(1), class: "place" }, points);
      tooltip(dot, `${point.name}: ${point.events} events`);
    }
  }

  // -- network -------------------------------------------------------------------------------

  // A small force layout: near nodes repel, edges pull, a pull to the centre; deterministic start
  // on a circle (sorted keys) so the same data draws the same picture.
  function layout(nodes, edges, width, height) {
    const n = nodes.length, index = new Map(nodes.map((d, i) => [d.key, i]));
    const pos = nodes.map((_, i) => [
      width / 2 + (width / 3) * Math.cos((2 * Math.PI * i) / n),
      height / 2 + (height / 3) * Math.sin((2 * Math.PI * i) / n),
    ]);
    const ideal = Math.min(width, height) / Math.max(2, Math.sqrt(n) * 1.3), reach = 3 * ideal;
    for (let step = 0; step < 300; step++) {
      const heat = 1 - step / 300, force = pos.map(() => [0, 0]);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const dx = pos[i][0] - pos[j][0], dy = pos[i][1] - pos[j][1];
          const d2 = Math.max(dx * dx + dy * dy, 1);
          if (d2 > reach * reach) continue;  // far nodes no longer push: components stay near
          const push = (ideal * ideal) / d2;
          force[i][0] += dx * push; force[i][1] += dy * push;
          force[j][0] -= dx * push; force[j][1] -= dy * push;
        }
      }
      for (const edge of edges) {
        const a = index.get(edge.source_key), b = index.get(edge.target_key);
        if (a === b) continue;
        const dx = pos[b][0] - pos[a][0], dy = pos[b][1] - pos[a][1];
        const d = Math.max(Math.hypot(dx, dy), 1), pull = (d - ideal) / d / 2;
        force[a][0] += dx * pull; force[a][1] += dy * pull;
        force[b][0] -= dx * pull; force[b][1] -= dy * pull;
      }
      pos.forEach((p, i) => {
        const fx = force[i][0] + (width / 2 - p[0]) * 0.08, fy = force[i][1] + (height / 2 - p[1]) * 0.08;
        const size = Math.max(Math.hypot(fx, fy), 1e-9), move = Math.min(size, 20 * heat + 0.5);
        p[0] += (fx / size) * move; p[1] += (fy / size) * move;
      });
    }
    return fit(pos, width, height, 40);
  }

  function fit(pos, width, height, margin) {
    const xs = pos.map((p) => p[0]), ys = pos.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (width - 2 * margin) / Math.max(x1 - x0, 1), sy = (height - 2 * margin) / Math.max(y1 - y0, 1);
    return pos.map(([x, y]) => [
      x1 > x0 ? margin + (x - x0) * sx : width / 2,
      y1 > y0 ? margin + (y - y0) * sy : height / 2,
    ]);
  }

  function network(svg, data) {
    clear(svg);
    if (!data.edges.length) return empty(svg, "No actor pairs match these filters.");
    const width = 640, height = 420;
    const pos = layout(data.nodes, data.edges, width, height);
    const at = new Map(data.nodes.map((d, i) => [d.key, pos[i]]));
    const maxEdge = Math.max(1, ...data.edges.map((e) => e.events));
    const maxNode = Math.max(1, ...data.nodes.map((d) => d.events));
    const radius = (d) => 5 + 10 * Math.sqrt(d.events / maxNode);
    const radii = new Map(data.nodes.map((d) => [d.key, radius(d)]));
    const edges = el("g", { class: "edges" }, svg);
    for (const edge of data.edges) {
      drawEdge(edges, at.get(edge.source_key), at.get(edge.target_key), radii.get(edge.target_key), edge, maxEdge);
    }
    const nodes = el("g", { class: "nodes" }, svg);
    data.nodes.forEach((node, i) => {
      const [x, y] = pos[i];
      const group = el("g", { class: "node", "data-key": node.key }, nodes);
      el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: radius(node).toFixed(1) }, group);
      text(group, x, y - radius(node) - 3, node.key, { "text-anchor": "middle" });
      tooltip(group, `${node.key}: ${node.events} events as source or target`);
    });
  }

  function drawEdge(parent, from, to, targetRadius, edge, maxEdge) {
    const colour = goldsteinColour(edge.goldstein_mean);
    const width = 1 + 6 * Math.sqrt(edge.events / maxEdge);
    const label = `${edge.source_key} → ${edge.target_key}: ${edge.events} events, mean Goldstein ${fmt(edge.goldstein_mean, 1)}`;
    if (from === to) {  // an actor acting on its own country's actors: a loop above the node
      const [x, y] = from;
      const loop = el("path", { d: `M${x - 6},${y - 8} C${x - 30},${y - 50} ${x + 30},${y - 50} ${x + 6},${y - 8}`, stroke: colour, "stroke-width": width, fill: "none", class: "edge" }, parent);
      return tooltip(loop, label);
    }
    const [x1, y1] = from, [x2, y2] = to;
    const dx = x2 - x1, dy = y2 - y1, d = Math.max(Math.hypot(dx, dy), 1);
    // Bend each edge to its right so that A→B and B→A are two curves, not one line.
    const cx = (x1 + x2) / 2 - (dy / d) * d * 0.15, cy = (y1 + y2) / 2 + (dx / d) * d * 0.15;
    const ex = x2 - ((x2 - cx) / Math.hypot(x2 - cx, y2 - cy)) * (targetRadius + 2);
    const ey = y2 - ((y2 - cy) / Math.hypot(x2 - cx, y2 - cy)) * (targetRadius + 2);
    const group = el("g", { class: "edge" }, parent);
    el("path", { d: `M${x1.toFixed(1)},${y1.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`, stroke: colour, "stroke-width": width.toFixed(1), fill: "none" }, group);
    const angle = Math.atan2(ey - cy, ex - cx), size = 5 + width;
    const head = [[ex, ey], [ex - size * Math.cos(angle - 0.4), ey - size * Math.sin(angle - 0.4)], [ex - size * Math.cos(angle + 0.4), ey - size * Math.sin(angle + 0.4)]];
    el("polygon", { points: head.map((p) => p.map((v) => v.toFixed(1)).join(",")).join(" "), fill: colour }, group);
    tooltip(group, label);
  }

  return { timeseries, map, network, goldsteinColour };
})();
