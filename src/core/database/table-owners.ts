/**
 * Which module owns each table: the folder of its entity (src/modules/<module>/…), or `core`
 * for TypeORM's own bookkeeping. Used by the DB map and by modules probing their own tables.
 * A table missing here shows as `unknown` in the map; table-owners.spec.ts keeps it complete.
 */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  migrations: 'core',
  module_states: 'madre',
  power_events: 'madre',
  power_windows: 'madre',
  madre_settings: 'madre',
  health_history: 'madre',
  incidents: 'madre',
  maintenance_runs: 'madre',
  hermes_engines: 'hermes',
  provider_usage: 'hermes',
  chat_sessions: 'operator',
  chat_messages: 'operator',
  operator_settings: 'operator',
  metric_samples: 'operator',
  events: 'events',
  ledger_anchor: 'events',
  spawner_runs: 'spawner',
  shub_jobs: 'shubniggurath',
  hormiguero_action_previews: 'hormiguero',
  hormiguero_ant_runs: 'hormiguero',
  hormiguero_fs_baseline: 'hormiguero',
  madre_plans: 'madre',
  madre_plan_steps: 'madre',
};

export function tableOwner(table: string): string {
  return TABLE_OWNERS[table] ?? 'unknown';
}

/** The tables a module owns (empty for modules that keep nothing in the database). */
export function tablesOwnedBy(module: string): string[] {
  return Object.entries(TABLE_OWNERS)
    .filter(([, owner]) => owner === module)
    .map(([table]) => table);
}
