import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { tableOwner } from '../../../core/database/table-owners';
import { writeFileAtomic } from './atomic-write';
import { quoteIdent } from './sqlite-checks';

export interface ColumnMap {
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  primary_key: boolean;
}

export interface TableMap {
  name: string;
  owner: string;
  row_count: number;
  columns: ColumnMap[];
  primary_key: string[];
  foreign_keys: Array<{
    columns: string[];
    references: string;
    to_columns: string[];
    on_delete: string;
    on_update: string;
  }>;
  indexes: Array<{ name: string; unique: boolean; columns: string[] }>;
}

export interface DbSchema {
  generated_at: string;
  tables: TableMap[];
}

interface ColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface ForeignKeyRow {
  id: number;
  table: string;
  from: string;
  to: string;
  on_update: string;
  on_delete: string;
}
interface IndexRow {
  name: string;
  unique: number;
  origin: string;
}

function foreignKeys(db: Database.Database, table: string): TableMap['foreign_keys'] {
  const rows = db.pragma(`foreign_key_list(${quoteIdent(table)})`) as ForeignKeyRow[];
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()].map((parts) => ({
    columns: parts.map((p) => p.from),
    references: parts[0].table,
    to_columns: parts.map((p) => p.to),
    on_delete: parts[0].on_delete,
    on_update: parts[0].on_update,
  }));
}

function indexes(db: Database.Database, table: string): TableMap['indexes'] {
  return (db.pragma(`index_list(${quoteIdent(table)})`) as IndexRow[]).map((index) => ({
    name: index.name,
    unique: index.unique === 1,
    columns: (db.pragma(`index_info(${quoteIdent(index.name)})`) as Array<{ name: string }>).map(
      (c) => c.name,
    ),
  }));
}

/** Tables, columns, keys, indexes, row counts and owning module, read from the live schema. */
export function describeDatabase(db: Database.Database, now: Date = new Date()): DbSchema {
  const names = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  const tables = names.map((name): TableMap => {
    const columns = db.pragma(`table_info(${quoteIdent(name)})`) as ColumnRow[];
    return {
      name,
      owner: tableOwner(name),
      row_count: db
        .prepare(`SELECT COUNT(*) FROM ${quoteIdent(name)}`)
        .pluck()
        .get() as number,
      columns: columns.map((c) => ({
        name: c.name,
        type: c.type,
        not_null: c.notnull === 1,
        default: c.dflt_value,
        primary_key: c.pk > 0,
      })),
      primary_key: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      foreign_keys: foreignKeys(db, name),
      indexes: indexes(db, name),
    };
  });
  return { generated_at: now.toISOString(), tables };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** DB_MAP.md: a summary table, then each table's columns and keys. */
export function renderDbMap(schema: DbSchema): string {
  const lines = [
    '# VX11 database map',
    '',
    `Generated ${schema.generated_at} by the maintenance run. Do not edit: it is rewritten each run.`,
    '',
    '| table | owner | rows | columns |',
    '|---|---|---:|---:|',
    ...schema.tables.map(
      (t) => `| ${cell(t.name)} | ${t.owner} | ${t.row_count} | ${t.columns.length} |`,
    ),
  ];
  for (const t of schema.tables) {
    lines.push('', `## ${t.name}`, '', `Owner: ${t.owner}. Rows: ${t.row_count}.`, '');
    lines.push('| column | type | null | default | key |', '|---|---|---|---|---|');
    for (const c of t.columns) {
      const key = c.primary_key ? 'PK' : '';
      lines.push(
        `| ${cell(c.name)} | ${c.type} | ${c.not_null ? 'no' : 'yes'} | ${cell(c.default ?? '')} | ${key} |`,
      );
    }
    for (const fk of t.foreign_keys) {
      lines.push(
        '',
        `Foreign key (${fk.columns.join(', ')}) → ${fk.references}(${fk.to_columns.join(', ')}) on delete ${fk.on_delete}`,
      );
    }
    for (const index of t.indexes) {
      lines.push(
        '',
        `Index ${index.name}${index.unique ? ' (unique)' : ''}: ${index.columns.join(', ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface DbMapResult {
  schema_file: string;
  map_file: string;
  tables: number;
  total_rows: number;
  unowned_tables: string[];
}

/** Writes data/dbmap/DB_SCHEMA.json and DB_MAP.md. */
export function writeDbMap(db: Database.Database, dir: string, now = new Date()): DbMapResult {
  const schema = describeDatabase(db, now);
  const schemaFile = join(dir, 'DB_SCHEMA.json');
  const mapFile = join(dir, 'DB_MAP.md');
  writeFileAtomic(schemaFile, `${JSON.stringify(schema, null, 2)}\n`);
  writeFileAtomic(mapFile, renderDbMap(schema));
  return {
    schema_file: schemaFile,
    map_file: mapFile,
    tables: schema.tables.length,
    total_rows: schema.tables.reduce((sum, t) => sum + t.row_count, 0),
    unowned_tables: schema.tables.filter((t) => t.owner === 'unknown').map((t) => t.name),
  };
}
