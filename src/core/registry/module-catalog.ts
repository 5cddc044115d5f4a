/** The ten VX11 modules of CONTRACT §1: what each is, and whether it runs from boot. */
export type ModuleCategory = 'core' | 'optional';

export interface ModuleMeta {
  name: string;
  label: string;
  role: string;
  category: ModuleCategory;
  /** Modules this one talks to; drawn as edges in /api/map. */
  links: ReadonlyArray<{ to: string; label: string }>;
}

export const MODULE_CATALOG: readonly ModuleMeta[] = [
  {
    name: 'tentaculo_link',
    label: 'Tentáculo Link',
    role: 'gateway, single entrypoint',
    category: 'core',
    links: [
      { to: 'madre', label: 'control' },
      { to: 'operator', label: 'operator api' },
      { to: 'switch', label: 'chat' },
    ],
  },
  {
    name: 'madre',
    label: 'Madre',
    role: 'control plane, power manager, maintenance, intents',
    category: 'core',
    links: [
      { to: 'switch', label: 'power' },
      { to: 'hermes', label: 'power' },
      { to: 'hormiguero', label: 'power' },
      { to: 'manifestator', label: 'power' },
      { to: 'mcp', label: 'power' },
      { to: 'shubniggurath', label: 'power' },
      { to: 'spawner', label: 'power' },
    ],
  },
  {
    name: 'switch',
    label: 'Switch',
    role: 'chat routing across providers',
    category: 'optional',
    links: [
      { to: 'hermes', label: 'engines' },
      { to: 'madre', label: 'fallback' },
    ],
  },
  {
    name: 'hermes',
    label: 'Hermes',
    role: 'engine/provider registry, budgets, discovery',
    category: 'optional',
    links: [],
  },
  {
    name: 'hormiguero',
    label: 'Hormiguero',
    role: 'colony: scheduled scanner ants, incidents',
    category: 'optional',
    links: [{ to: 'madre', label: 'escalation' }],
  },
  {
    name: 'manifestator',
    label: 'Manifestator',
    role: 'drift detection, rails (invariant gates), scorecard',
    category: 'optional',
    links: [{ to: 'tentaculo_link', label: 'route table' }],
  },
  {
    name: 'mcp',
    label: 'MCP',
    role: 'Model Context Protocol server exposing VX11 tools',
    category: 'optional',
    links: [{ to: 'madre', label: 'tools' }],
  },
  {
    name: 'shubniggurath',
    label: 'Shub-Niggurath',
    role: 'audio analysis and mastering advice',
    category: 'optional',
    links: [],
  },
  {
    name: 'spawner',
    label: 'Spawner',
    role: 'ephemeral, allowlisted process runs with TTL',
    category: 'optional',
    links: [],
  },
  {
    name: 'operator',
    label: 'Operator',
    role: 'operator API and console',
    category: 'core',
    links: [{ to: 'tentaculo_link', label: 'api' }],
  },
];

export const MODULE_NAMES = MODULE_CATALOG.map((m) => m.name);
export const CORE_MODULES = MODULE_CATALOG.filter((m) => m.category === 'core').map((m) => m.name);
export const OPTIONAL_MODULES = MODULE_CATALOG.filter((m) => m.category === 'optional').map(
  (m) => m.name,
);
