import 'reflect-metadata';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from '../../entities';
import { TABLE_OWNERS, tableOwner, tablesOwnedBy } from './table-owners';

describe('table owners', () => {
  it('names an owner for the table of every entity', () => {
    const tables = getMetadataArgsStorage()
      .tables.filter((t) => (ENTITIES as unknown[]).includes(t.target))
      .map((t) => t.name);
    expect(tables.length).toBe(ENTITIES.length);
    const missing = tables.filter((name) => name === undefined || !(name in TABLE_OWNERS));
    // A new table needs one line in TABLE_OWNERS, or the DB map shows its owner as unknown.
    expect({ tables_missing_from_TABLE_OWNERS: missing }).toEqual({
      tables_missing_from_TABLE_OWNERS: [],
    });
  });

  it('answers unknown for a table nobody declared and lists a module’s tables', () => {
    expect(tableOwner('no_such_table')).toBe('unknown');
    expect(tablesOwnedBy('hermes').sort()).toEqual(['hermes_engines', 'provider_usage']);
    expect(tablesOwnedBy('spawner')).toEqual(['spawner_runs']);
    expect(tablesOwnedBy('tentaculo_link')).toEqual([]);
  });
});
