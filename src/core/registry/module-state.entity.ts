import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last known lifecycle state of each module, written on every transition. */
@Entity('module_states')
export class ModuleStateEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  state: string;

  /** ISO-8601 time the module entered this state. */
  @Column('text')
  since: string;

  @Column('text', { nullable: true })
  last_error: string | null;
}
