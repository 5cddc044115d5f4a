import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { createReadStream, Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../../core/config/app-config';
import { PROJECT_ROOT } from '../../core/config/project-root';
import { nativeDb } from '../../core/database/native-db';
import { isSea } from '../../core/sea/sea';
import { FsBaselineEntity } from './fs-baseline.entity';

export type DriftRootKind = 'config' | 'build' | 'watch';

/** A file or folder the fs_drift ant tracks. */
export interface DriftRoot {
  kind: DriftRootKind;
  path: string;
}

export interface FileHash {
  path: string;
  root: DriftRootKind;
  sha256: string;
  bytes: number;
}

export interface ChangedFile {
  path: string;
  root: DriftRootKind;
  baseline_sha256: string;
  sha256: string;
  baseline_bytes: number;
  bytes: number;
}

/** The tracked files against the recorded baseline. */
export interface FileDrift {
  /** When the baseline compared against was recorded. */
  baseline_recorded_at: string;
  /** True when this call recorded the baseline (the first scan): nothing to compare yet. */
  baseline_recorded_now: boolean;
  roots: DriftRoot[];
  /** Why a root is not tracked (e.g. running from sources: no build to hash). */
  not_tracked: Array<{ kind: DriftRootKind; reason: string }>;
  tracked_files: number;
  /** Files beyond hormiguero.fsMaxFiles, not hashed. */
  skipped_files: number;
  added: FileHash[];
  removed: Array<{ path: string; root: DriftRootKind; sha256: string; bytes: number }>;
  changed: ChangedFile[];
  checked_at: string;
}

export interface BaselineRecord {
  recorded_at: string;
  files: number;
  bytes: number;
  roots: DriftRoot[];
  not_tracked: Array<{ kind: DriftRootKind; reason: string }>;
  skipped_files: number;
}

/** Folders never descended into, wherever they appear. */
const NEVER = new Set(['node_modules', '.git']);

const inside = (dir: string, file: string) => file === dir || file.startsWith(dir + sep);

function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    let bytes = 0;
    createReadStream(file)
      .on('data', (chunk: Buffer | string) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += buf.length;
        hash.update(buf);
      })
      .on('error', fail)
      .on('end', () => done({ sha256: hash.digest('hex'), bytes }));
  });
}

/**
 * File integrity monitoring (the fs_drift ant, and manifestator's drift view): a sha256
 * baseline of `config/`, the running build (`dist/`, or the release executable when VX11 runs as
 * one) and `hormiguero.watchPaths`, kept in the database. The data and logs dirs are never
 * tracked: their files change by design. The first drift check records the baseline; POST
 * /hormiguero/baseline records it anew.
 */
@Injectable()
export class FileDriftService {
  private chain: Promise<unknown> = Promise.resolve();
  private last: FileDrift | undefined;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(FsBaselineEntity) private readonly baseline: Repository<FsBaselineEntity>,
  ) {}

  /** The latest drift check's result (undefined before the first). */
  lastDrift(): FileDrift | undefined {
    return this.last;
  }

  /** What is tracked, and what is not with the reason. */
  roots(): { roots: DriftRoot[]; not_tracked: Array<{ kind: DriftRootKind; reason: string }> } {
    const roots: DriftRoot[] = [{ kind: 'config', path: join(PROJECT_ROOT, 'config') }];
    const notTracked: Array<{ kind: DriftRootKind; reason: string }> = [];
    const dist = join(PROJECT_ROOT, 'dist');
    const exe = process.execPath;
    if (isSea() || !/^node(js)?(\.exe)?$/i.test(basename(exe))) {
      roots.push({ kind: 'build', path: exe });
    } else if (inside(dist, __filename)) {
      roots.push({ kind: 'build', path: dist });
    } else {
      notTracked.push({ kind: 'build', reason: 'running from sources: no build to track' });
    }
    for (const p of this.config.hormiguero.watchPaths) {
      roots.push({ kind: 'watch', path: isAbsolute(p) ? p : resolve(PROJECT_ROOT, p) });
    }
    return { roots, not_tracked: notTracked };
  }

  /** The recorded baseline, or null when none was recorded yet. */
  async baselineInfo(): Promise<{ recorded_at: string; files: number; bytes: number } | null> {
    const row = await this.baseline
      .createQueryBuilder('b')
      .select('MAX(b.recorded_at)', 'recorded_at')
      .addSelect('COUNT(*)', 'files')
      .addSelect('COALESCE(SUM(b.bytes), 0)', 'bytes')
      .getRawOne<{ recorded_at: string | null; files: number; bytes: number }>();
    if (!row?.recorded_at) return null;
    return { recorded_at: row.recorded_at, files: Number(row.files), bytes: Number(row.bytes) };
  }

  /** Hashes every tracked file and replaces the baseline with them. */
  recordBaseline(): Promise<BaselineRecord> {
    return this.serial(() => this.record());
  }

  /** The tracked files against the baseline; records the baseline first when there is none. */
  check(): Promise<FileDrift> {
    return this.serial(async () => {
      const rows = await this.baseline.find();
      if (rows.length === 0) {
        const rec = await this.record();
        this.last = {
          baseline_recorded_at: rec.recorded_at,
          baseline_recorded_now: true,
          roots: rec.roots,
          not_tracked: rec.not_tracked,
          tracked_files: rec.files,
          skipped_files: rec.skipped_files,
          added: [],
          removed: [],
          changed: [],
          checked_at: rec.recorded_at,
        };
        return this.last;
      }
      const { roots, not_tracked } = this.roots();
      const { files, skipped } = await this.hashAll(roots);
      const known = new Map(rows.map((r) => [r.path, r]));
      const added: FileHash[] = [];
      const changed: ChangedFile[] = [];
      for (const f of files) {
        const b = known.get(f.path);
        known.delete(f.path);
        if (!b) added.push(f);
        else if (b.sha256 !== f.sha256) {
          changed.push({
            path: f.path,
            root: f.root,
            baseline_sha256: b.sha256,
            sha256: f.sha256,
            baseline_bytes: b.bytes,
            bytes: f.bytes,
          });
        }
      }
      const removed = [...known.values()].map((r) => ({
        path: r.path,
        root: r.root as DriftRootKind,
        sha256: r.sha256,
        bytes: r.bytes,
      }));
      this.last = {
        baseline_recorded_at: rows.reduce((m, r) => (r.recorded_at > m ? r.recorded_at : m), ''),
        baseline_recorded_now: false,
        roots,
        not_tracked,
        tracked_files: files.length,
        skipped_files: skipped,
        added,
        removed,
        changed,
        checked_at: new Date().toISOString(),
      };
      return this.last;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async record(): Promise<BaselineRecord> {
    const { roots, not_tracked } = this.roots();
    const { files, skipped } = await this.hashAll(roots);
    const now = new Date().toISOString();
    const sqlite = nativeDb(this.db);
    const insert = sqlite.prepare(
      'INSERT INTO hormiguero_fs_baseline (path, root, sha256, bytes, recorded_at) VALUES (?, ?, ?, ?, ?)',
    );
    sqlite.transaction(() => {
      sqlite.prepare('DELETE FROM hormiguero_fs_baseline').run();
      for (const f of files) insert.run(f.path, f.root, f.sha256, f.bytes, now);
    })();
    return {
      recorded_at: now,
      files: files.length,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      roots,
      not_tracked,
      skipped_files: skipped,
    };
  }

  /** How a file is named in the baseline: relative to the project root when inside it. */
  private label(file: string): string {
    return inside(PROJECT_ROOT, file) ? relative(PROJECT_ROOT, file).split(sep).join('/') : file;
  }

  private excluded(file: string): boolean {
    return inside(this.config.dataDir, file) || inside(this.config.logsDir, file);
  }

  /** sha256 of every regular file under the roots (symlinks not followed), bounded in count. */
  private async hashAll(roots: DriftRoot[]): Promise<{ files: FileHash[]; skipped: number }> {
    const max = this.config.hormiguero.fsMaxFiles;
    const found = new Map<string, DriftRootKind>();
    let skipped = 0;
    const visit = async (path: string, kind: DriftRootKind): Promise<void> => {
      if (this.excluded(path)) return;
      let st;
      try {
        st = await lstat(path);
      } catch {
        return; // a watch path that does not exist (yet) holds nothing
      }
      if (st.isFile()) {
        if (found.has(path)) return;
        if (found.size >= max) skipped += 1;
        else found.set(path, kind);
        return;
      }
      if (!st.isDirectory()) return;
      let entries: Dirent[];
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.isDirectory() && NEVER.has(e.name)) continue;
        await visit(join(path, e.name), kind);
      }
    };
    for (const root of roots) await visit(root.path, root.kind);
    const files: FileHash[] = [];
    for (const [path, root] of found) {
      try {
        const { sha256, bytes } = await sha256File(path);
        files.push({ path: this.label(path), root, sha256, bytes });
      } catch {
        // removed between listing and hashing: it shows as removed next time
      }
    }
    return { files, skipped };
  }
}
