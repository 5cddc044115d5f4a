import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One file of hormiguero's integrity baseline (Tripwire/AIDE style): its sha256 and size when
 * the baseline was recorded. The fs_drift ant compares the tracked files against these rows.
 */
@Entity('hormiguero_fs_baseline')
export class FsBaselineEntity {
  /** The file: relative to the project root when inside it, else absolute. */
  @PrimaryColumn('text')
  path: string;

  /** Which tracked root holds it: `config`, `build` or `watch`. */
  @Column('text')
  root: string;

  @Column('text')
  sha256: string;

  @Column('integer')
  bytes: number;

  @Column('text')
  recorded_at: string;
}
