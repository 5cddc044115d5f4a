import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One operator preference (console settings), stored as JSON. */
@Entity('operator_settings')
export class OperatorSettingEntity {
  @PrimaryColumn('text')
  key: string;

  @Column('text')
  value: string;

  @Column('text')
  updated_at: string;
}
