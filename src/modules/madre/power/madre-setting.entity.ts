import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Madre's persisted settings (e.g. the applied policy), one row per key. */
@Entity('madre_settings')
export class MadreSettingEntity {
  @PrimaryColumn('text')
  key: string;

  @Column('text')
  value: string;

  @Column('text')
  updated_at: string;
}
