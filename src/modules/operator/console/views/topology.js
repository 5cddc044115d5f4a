// Topology from GET /api/map, drawn as an inline SVG graph with a deterministic layout: madre
// in the centre, the other core modules (gateway, operator) on an inner ring, the optional
// modules on an outer ring. Nodes are coloured by state; edges carry their labels.

import { get } from '../api.js';
import { $, h, replace, s, toastError } from '../ui.js';

const W = 1100;
const H = 600;
const CX = W / 2;
const CY = H / 2 - 10;
const INNER = { rx: 235, ry: 150 };
const OUTER = { rx: 455, ry: 235 };
const NODE_R = { centre: 40, core: 30, optional: 25 };
/** Edge labels sit this far along the edge, away from the crowded centre. */
const LABEL_AT = 0.62;
const STATES = ['active', 'starting', 'stopping', 'off', 'failed'];

let visible = false;
let drawn = '';

export function setTopologyVisible(isVisible) {
  visible = isVisible;
  if (visible) void loadTopology(true);
}

/** Redraws while the view is open (called on state refreshes). */
export function refreshTopology() {
  if (visible) void loadTopology();
}

/** Redraws only when the map changed (a redraw would drop the keyboard focus on a node). */
async function loadTopology(force = false) {
  try {
    const map = await get('/api/map');
    const json = JSON.stringify(map);
    if (!force && json === drawn) return;
    drawn = json;
    draw(map);
  } catch (err) {
    drawn = '';
    replace(
      $('#topology'),
      h('p', { class: 'inline-error' }, `Could not load /api/map — ${err.message}`),
    );
    toastError('Could not load the topology', err);
  }
}

/**
 * Positions every node, deterministically. madre in the centre; the optional modules evenly on
 * an outer ellipse (by legacy port), leaving a gap on the left; the gateway (the first other
 * core module) on the inner ellipse to the left of madre, and the remaining core modules
 * (operator) in the outer gap beyond it: traffic reads left to right, operator → gateway →
 * madre → modules.
 */
export function layout(nodes) {
  const centre = nodes.find((n) => n.id === 'madre') ?? nodes.find((n) => n.category === 'core');
  const core = nodes.filter((n) => n !== centre && n.category === 'core');
  const outer = nodes.filter((n) => n !== centre && n.category !== 'core');
  const byPort = (a, b) => firstPort(a) - firstPort(b) || a.id.localeCompare(b.id);
  core.sort(byPort);
  outer.sort(byPort);
  const at = new Map();
  const place = (node, angle, ring, r) =>
    at.set(node.id, {
      x: CX + ring.rx * Math.cos(angle),
      y: CY + ring.ry * Math.sin(angle),
      r,
    });
  if (centre) at.set(centre.id, { x: CX, y: CY, r: NODE_R.centre });
  const step = (2 * Math.PI) / Math.max(outer.length + 1, 2);
  outer.forEach((n, i) => place(n, Math.PI + (i + 1) * step, OUTER, NODE_R.optional));
  const [gateway, ...rest] = core;
  if (gateway) place(gateway, Math.PI, INNER, NODE_R.core);
  rest.forEach((n, j) => {
    const spread = (j - (rest.length - 1) / 2) * (step / Math.max(rest.length, 1));
    place(n, Math.PI + spread, OUTER, NODE_R.core);
  });
  return at;
}

/** A node's name and state, two lines of text under (or over) its circle. */
const LABEL_H = 28;
const labelWidth = (node) => Math.max(node.id.length * 7.4, 40) + 6;
/** How far an edge keeps from a node it does not join, and from any label. */
const CLEARANCE = 8;
/** Bends tried, smallest first, until an edge's curve misses every other node and label. */
const BENDS = [0, 30, -30, 60, -60, 90, -90, 130, -130, 180, -180, 240, -240];

/**
 * Puts each node's label where no edge arrives: below the circle, else above, else beside it
 * (an edge reaching a node through its label would draw across the node's name). A node with
 * edges on every side (madre, the hub) carries its label inside its circle when it fits.
 */
export function placeLabels(nodes, at, edges) {
  const directions = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    directions.get(e.from)?.push(Math.atan2(b.y - a.y, b.x - a.x));
    directions.get(e.to)?.push(Math.atan2(a.y - b.y, a.x - b.x));
  }
  // screen angles: +90° points down
  const sides = [
    { side: 'below', centre: Math.PI / 2 },
    { side: 'above', centre: -Math.PI / 2 },
    { side: 'right', centre: 0 },
    { side: 'left', centre: Math.PI },
  ];
  const gap = (angle, centre) =>
    Math.abs(Math.atan2(Math.sin(angle - centre), Math.cos(angle - centre)));
  for (const node of nodes) {
    const p = at.get(node.id);
    const dirs = directions.get(node.id) ?? [];
    const free = (centre) => dirs.every((angle) => gap(angle, centre) > Math.PI / 4);
    const w = labelWidth(node);
    if (!sides.some(({ centre }) => free(centre)) && w <= 2 * p.r - 8) {
      Object.assign(p, { side: 'inside', label: { x: p.x, y: p.y, w: 0, h: 0 } });
      continue;
    }
    // else the side whose nearest edge is furthest away
    const best =
      sides.find(({ centre }) => free(centre)) ??
      sides
        .map((side) => ({ ...side, room: Math.min(...dirs.map((d) => gap(d, side.centre))) }))
        .sort((x, y) => y.room - x.room)[0];
    const box =
      best.side === 'below'
        ? { x: p.x - w / 2, y: p.y + p.r + 2, w, h: LABEL_H }
        : best.side === 'above'
          ? { x: p.x - w / 2, y: p.y - p.r - 2 - LABEL_H, w, h: LABEL_H }
          : best.side === 'right'
            ? { x: p.x + p.r + 4, y: p.y - LABEL_H / 2, w, h: LABEL_H }
            : { x: p.x - p.r - 4 - w, y: p.y - LABEL_H / 2, w, h: LABEL_H };
    Object.assign(p, { side: best.side, label: box });
  }
}

function distanceToBox(px, py, box) {
  const dx = Math.max(box.x - px, 0, px - (box.x + box.w));
  const dy = Math.max(box.y - py, 0, py - (box.y + box.h));
  return Math.hypot(dx, dy);
}

/** Points along the edge's curve, end to end, for the clearance checks. */
function samples(geometry, count = 40) {
  const { sx, sy, mx, my, ex, ey } = geometry;
  return Array.from({ length: count + 1 }, (_, i) => {
    const t = i / count;
    return [
      (1 - t) ** 2 * sx + 2 * (1 - t) * t * mx + t ** 2 * ex,
      (1 - t) ** 2 * sy + 2 * (1 - t) * t * my + t ** 2 * ey,
    ];
  });
}

/** True when the curve keeps clear of every node it does not join and of every label. */
function clears(geometry, from, to, at) {
  const points = samples(geometry);
  for (const [id, p] of at) {
    const joined = id === from || id === to;
    for (const [x, y] of points) {
      if (!joined && Math.hypot(x - p.x, y - p.y) < p.r + CLEARANCE) return false;
      if (distanceToBox(x, y, p.label) < CLEARANCE / 2) return false;
    }
  }
  return true;
}

/**
 * The edge's path: straight when that is clear, else the smallest bend that goes round every
 * node and label in the way. An edge with a partner in the other direction starts bent, so the
 * two stay apart (the bend's side flips with the direction).
 */
export function routeEdge(edge, at, paired) {
  const a = at.get(edge.from);
  const b = at.get(edge.to);
  const bends = paired ? [26, ...BENDS.filter((x) => x > 26)] : BENDS;
  for (const bend of bends) {
    const geometry = edgeGeometry(a, b, bend);
    if (clears(geometry, edge.from, edge.to, at)) return geometry;
  }
  return edgeGeometry(a, b, bends[0]);
}

function firstPort(node) {
  const port = Array.isArray(node.port) ? node.port[0] : node.port;
  return typeof port === 'number' ? port : 99999;
}

function draw(map) {
  const nodes = map.nodes ?? [];
  const edges = (map.edges ?? []).filter((e) => e.from !== e.to);
  const at = layout(nodes);
  placeLabels(nodes, at, edges);
  const state = new Map(nodes.map((n) => [n.id, n.state]));
  const pairs = new Set(edges.map((e) => `${e.from}>${e.to}`));

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'Module topology',
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        s('path', { d: 'M0,0L10,5L0,10z', fill: '#6d8fb5' }),
      ),
    ),
  );

  const edgeLayer = s('g', {});
  const labelLayer = s('g', {});
  for (const edge of edges) {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) continue;
    const geometry = routeEdge(edge, at, pairs.has(`${edge.to}>${edge.from}`));
    const live = state.get(edge.from) === 'active' && state.get(edge.to) === 'active';
    edgeLayer.append(
      s(
        'path',
        {
          class: `edge${live ? ' live' : ''}`,
          d: geometry.d,
          'marker-end': 'url(#arrow)',
          'data-edge': `${edge.from}>${edge.to}`,
        },
        s('title', {}, `${edge.from} → ${edge.to}: ${edge.label}`),
      ),
    );
    labelLayer.append(
      s(
        'text',
        { class: 'edge-label', x: geometry.lx, y: geometry.ly, 'text-anchor': 'middle' },
        edge.label,
      ),
    );
  }

  const nodeLayer = s('g', {});
  for (const node of nodes) {
    const p = at.get(node.id);
    const port = Array.isArray(node.port) ? node.port.join('/') : (node.port ?? '');
    nodeLayer.append(
      s(
        'g',
        {
          class: 'node',
          tabindex: 0,
          transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`,
          'data-node': node.id,
          'data-state': node.state,
          'data-testid': 'topology-node',
        },
        s('title', {}, `${node.label} — ${node.role} (${node.state}, legacy port ${port})`),
        s('circle', { r: p.r, class: `st-${STATES.includes(node.state) ? node.state : 'off'}` }),
        ...nodeLabel(node, p),
      ),
    );
  }
  svg.append(edgeLayer, labelLayer, nodeLayer);
  replace($('#topology'), svg);

  const c = map.counts ?? {};
  $('#topology-counts').textContent =
    `${c.services_up ?? '?'} up of ${c.total_services ?? nodes.length} · ${c.dormant_services ?? '?'} dormant · ${edges.length} links`;
  replace(
    $('#topology-legend'),
    STATES.map((st) => h('span', {}, h('i', { class: `st-${st}` }), st)),
  );
}

/** Two ports ("8011/8020") in a smaller type, so they stay inside the circle. */
const portClass = (port) => (String(port).length > 5 ? 'sub port-long' : 'sub');

/** The port inside the circle; name and state on the side placeLabels chose. */
function nodeLabel(node, p) {
  const port = Array.isArray(node.port) ? node.port.join('/') : (node.port ?? '');
  if (p.side === 'inside') {
    return [
      s('text', { class: portClass(port), 'text-anchor': 'middle', y: -13 }, String(port)),
      s('text', { class: 'node-name', 'text-anchor': 'middle', y: 4 }, node.id),
      s('text', { class: 'sub node-state', 'text-anchor': 'middle', y: 18 }, node.state),
    ];
  }
  const box = p.label;
  const anchor = p.side === 'right' ? 'start' : p.side === 'left' ? 'end' : 'middle';
  const x = p.side === 'right' ? box.x - p.x : p.side === 'left' ? box.x + box.w - p.x : 0;
  const top = box.y - p.y;
  return [
    s('text', { class: portClass(port), 'text-anchor': 'middle', y: 4 }, String(port)),
    s('text', { class: 'node-name', 'text-anchor': anchor, x, y: top + 12 }, node.id),
    s('text', { class: 'sub node-state', 'text-anchor': anchor, x, y: top + 25 }, node.state),
  ];
}

/** A straight (or bent) path from circle edge to circle edge, and where its label goes. */
function edgeGeometry(a, b, bend) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  // the normal flips with the direction, so the two edges of a pair bend apart
  const nx = -uy;
  const ny = ux;
  const sx = a.x + ux * a.r;
  const sy = a.y + uy * a.r;
  const ex = b.x - ux * (b.r + 3);
  const ey = b.y - uy * (b.r + 3);
  const lx = sx + (ex - sx) * LABEL_AT;
  const ly = sy + (ey - sy) * LABEL_AT;
  if (!bend) {
    return {
      ...{ sx, sy, ex, ey, mx: (sx + ex) / 2, my: (sy + ey) / 2 },
      d: `M${sx.toFixed(1)},${sy.toFixed(1)}L${ex.toFixed(1)},${ey.toFixed(1)}`,
      lx: (lx + nx * 9).toFixed(1),
      ly: (ly + ny * 9 + 3).toFixed(1),
    };
  }
  const mx = (sx + ex) / 2 + nx * bend;
  const my = (sy + ey) / 2 + ny * bend;
  // on the curve at LABEL_AT (a quadratic Bezier), pushed a little further out
  const t = LABEL_AT;
  const qx = (1 - t) ** 2 * sx + 2 * (1 - t) * t * mx + t ** 2 * ex;
  const qy = (1 - t) ** 2 * sy + 2 * (1 - t) * t * my + t ** 2 * ey;
  return {
    ...{ sx, sy, ex, ey, mx, my },
    d: `M${sx.toFixed(1)},${sy.toFixed(1)}Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`,
    lx: (qx + nx * 10).toFixed(1),
    ly: (qy + ny * 10 + 3).toFixed(1),
  };
}
