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
const NODE_R = { centre: 36, core: 30, optional: 25 };
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

/**
 * How much an edge must bend so it does not run through a third node (0 when it need not):
 * the curve's middle moves to the far side of the nearest node in the way.
 */
function detour(a, b, others) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy || 1;
  const len = Math.sqrt(len2);
  let bend = 0;
  for (const c of others) {
    const t = ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2;
    if (t <= 0.05 || t >= 0.95) continue;
    const d = ((c.x - a.x) * -dy + (c.y - a.y) * dx) / len; // signed distance along the normal
    const clear = c.r + 16;
    if (Math.abs(d) >= clear) continue;
    const needed = -Math.sign(d || 1) * 2 * (clear + Math.abs(d));
    if (Math.abs(needed) > Math.abs(bend)) bend = needed;
  }
  return bend;
}

function firstPort(node) {
  const port = Array.isArray(node.port) ? node.port[0] : node.port;
  return typeof port === 'number' ? port : 99999;
}

function draw(map) {
  const nodes = map.nodes ?? [];
  const edges = (map.edges ?? []).filter((e) => e.from !== e.to);
  const at = layout(nodes);
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
    // Two edges between the same pair bend apart so both stay readable; an edge that would
    // run through another node goes round it.
    const others = [...at.entries()]
      .filter(([id]) => id !== edge.from && id !== edge.to)
      .map(([, p]) => p);
    const bend = detour(a, b, others) || (pairs.has(`${edge.to}>${edge.from}`) ? 26 : 0);
    const geometry = edgeGeometry(a, b, bend);
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
        s('text', { 'text-anchor': 'middle', y: p.r + 14 }, node.id),
        s('text', { class: 'sub', 'text-anchor': 'middle', y: 4 }, String(port)),
        s('text', { class: 'sub', 'text-anchor': 'middle', y: p.r + 26 }, node.state),
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
    d: `M${sx.toFixed(1)},${sy.toFixed(1)}Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`,
    lx: (qx + nx * 10).toFixed(1),
    ly: (qy + ny * 10 + 3).toFixed(1),
  };
}
