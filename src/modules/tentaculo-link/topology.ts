import { ModuleEntry } from '../../core/registry/module-registry.service';

export interface TopologyMap {
  nodes: Array<{
    id: string;
    label: string;
    state: string;
    port: number | number[] | null;
    role: string;
    category: string;
  }>;
  edges: Array<{ from: string; to: string; label: string }>;
  counts: { services_up: number; total_services: number; dormant_services: number };
}

/** /api/map: nodes and edges of the live registry, with counts derived from states. */
export function topologyMap(entries: ModuleEntry[]): TopologyMap {
  const nodes = entries.map((e) => ({
    id: e.meta.name,
    label: e.meta.label,
    state: e.state,
    port: e.port,
    role: e.meta.role,
    category: e.meta.category,
  }));
  const edges = entries.flatMap((e) =>
    e.meta.links.map((l) => ({ from: e.meta.name, to: l.to, label: l.label })),
  );
  return {
    nodes,
    edges,
    counts: {
      services_up: entries.filter((e) => e.state === 'active').length,
      total_services: entries.length,
      dormant_services: entries.filter((e) => e.state === 'off').length,
    },
  };
}
