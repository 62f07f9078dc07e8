import { promises as fs, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import { writeFileAtomic } from '../../shared/data/atomic-file';
import type { DataFolder } from '../../shared/data/data-folder';
import { isPlainObject } from '../../shared/data/json-edit';
import { MemoryBrowseService } from '../browse/memory-browse.service';
import { IngestService } from '../ingest/ingest.service';
import { KeyedMutex } from '../locks/keyed-mutex';
import { validateLanlanName } from '../messages/lanlan-name.pipe';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { ReviewService } from '../review/review.service';
import { WRITE_LOCKS } from '../review/write-locks.token';
import { SemanticIndexer } from '../semantic/semantic-indexer.service';
import { VectorStoreRepository } from '../semantic/vector-store.repository';
import { SettingsService } from '../settings/settings.service';
import { TimeIndexRepository } from '../time-index/time-index.repository';
import { parseJsonText, renameSettingsSection, rewriteRecentNames } from './memory-rename.rewrite';

export interface MemoryCharacter {
  readonly name: string;
  readonly recent_file: string;
  readonly recent_entries: number;
}

export type RenameOutcome = 'renamed' | 'missing' | 'exists' | 'same';

/** Longest wait for queued background work (compression, summaries) before a rename or removal. */
const QUIESCE_MS = 10_000;

/** The files of one character's memory, in the order they are moved. */
interface Layers {
  readonly recent: string;
  readonly settings: string;
  readonly timeIndex: string;
  readonly semantic: string;
  /** Every path, SQLite side files included. */
  readonly all: readonly string[];
}

async function stat(path: string): Promise<Stats | undefined> {
  return fs.stat(path).catch(() => undefined);
}

/**
 * Administration of whole memories for main's characters router and memory browser: list the
 * recent files, read/write one raw, rename a character's memory in every layer, remove it. The
 * memory server stays the only writer of memory/; every change runs under the character's write
 * lock and with no vector job running, after its store handles are closed.
 */
@Injectable()
export class MemoryAdminService {
  private readonly logger = new Logger(MemoryAdminService.name);

  constructor(
    @Inject(DATA_FOLDER) private readonly folder: DataFolder,
    @Inject(WRITE_LOCKS) private readonly locks: KeyedMutex,
    private readonly recent: RecentMemoryRepository,
    private readonly settings: SettingsService,
    private readonly timeIndex: TimeIndexRepository,
    private readonly vectors: VectorStoreRepository,
    private readonly semantic: SemanticIndexer,
    private readonly review: ReviewService,
    private readonly ingest: IngestService,
    private readonly browse: MemoryBrowseService,
  ) {}

  private layers(name: string): Layers {
    const recent = this.recent.path(name);
    const settings = this.settings.path(name);
    const timeIndex = this.timeIndex.path(name);
    const semantic = this.vectors.dir(name);
    return { recent, settings, timeIndex, semantic, all: [recent, settings, timeIndex, `${timeIndex}-wal`, `${timeIndex}-shm`, `${timeIndex}-journal`, semantic] };
  }

  /** Characters that have a recent file, sorted by file name. */
  async characters(): Promise<MemoryCharacter[]> {
    const files = await fs.readdir(this.folder.memoryDir).catch(() => [] as string[]);
    const out: MemoryCharacter[] = [];
    for (const file of files.sort()) {
      const name = /^recent_(.+)\.json$/s.exec(file)?.[1];
      if (name === undefined || !isAddressable(name) || !(await stat(this.recent.path(name)))?.isFile()) continue;
      out.push({ name, recent_file: file, recent_entries: (await this.recent.read(name)).length });
    }
    return out;
  }

  /** Raw text of recent_{name}.json (BOM removed: the browser JSON.parses it); undefined when missing. */
  async readRecentFile(name: string): Promise<string | undefined> {
    try {
      const text = await fs.readFile(this.recent.path(name), 'utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  }

  /** The memory browser's save: the whole file, in LangChain shape, under the lock (a review is cancelled). */
  async writeRecentFile(name: string, chat: ReadonlyArray<{ role: 'system' | 'human' | 'ai'; text?: string }>): Promise<void> {
    await this.browse.replaceRecent(name, chat.map((m) => ({ type: m.role, text: m.text ?? '' })));
  }

  /** Whether any layer of this character's memory exists. */
  async hasMemory(name: string): Promise<boolean> {
    const l = this.layers(name);
    for (const p of [l.recent, l.settings, l.timeIndex, l.semantic]) if (await stat(p)) return true;
    return false;
  }

  /**
   * Moves every layer of `oldName`'s memory to `newName` and rewrites the names inside the recent
   * file and the settings file. All or nothing: a failed step moves back what was moved.
   */
  async rename(oldName: string, newName: string): Promise<RenameOutcome> {
    if (oldName === newName) return 'same';
    await this.quiesce([oldName, newName]);
    return this.exclusive([oldName, newName], async () => {
      const from = this.layers(oldName);
      const to = this.layers(newName);
      if (!(await this.hasMemory(oldName))) return 'missing';
      if (await this.targetTaken(from, to)) return 'exists';
      await this.closeHandles(oldName);
      await this.closeHandles(newName);
      // Left-over SQLite side files of a database that no longer exists would be replayed into ours.
      if (!(await stat(to.timeIndex))) for (const side of ['-wal', '-shm', '-journal']) await fs.rm(`${to.timeIndex}${side}`, { force: true });
      const moved: Array<readonly [string, string]> = [];
      try {
        for (const [i, src] of from.all.entries()) {
          if (!(await stat(src))) continue;
          await fs.rename(src, to.all[i]);
          moved.push([src, to.all[i]]);
        }
        await this.rewriteJson(to.settings, (v) => (isPlainObject(v) ? renameSettingsSection(v, oldName, newName) : v));
        await this.rewriteJson(to.recent, (v) => (Array.isArray(v) ? rewriteRecentNames(v, oldName, newName) : v));
      } catch (err) {
        for (const [src, dst] of moved.reverse()) await fs.rename(dst, src).catch(() => undefined);
        throw err;
      }
      this.logger.log(`renamed the memory of ${oldName} to ${newName}`);
      return 'renamed';
    });
  }

  /** Removes every layer (and kept-aside broken copies of the recent file); returns the removed basenames. */
  async remove(name: string): Promise<string[]> {
    await this.quiesce([name]);
    return this.exclusive([name], async () => {
      await this.closeHandles(name);
      const files = await fs.readdir(this.folder.memoryDir).catch(() => [] as string[]);
      const broken = files.filter((f) => f.startsWith(`recent_${name}.json.broken-`)).map((f) => join(this.folder.memoryDir, f));
      const removed: string[] = [];
      for (const path of [...this.layers(name).all, ...broken]) {
        if (!(await stat(path))) continue;
        await fs.rm(path, { recursive: true, force: true });
        removed.push(basename(path));
      }
      if (removed.length > 0) this.logger.log(`removed the memory of ${name}: ${removed.join(', ')}`);
      return removed;
    });
  }

  /** A target layer that exists, unless it is the source itself (a case-only rename on a case-insensitive disk). */
  private async targetTaken(from: Layers, to: Layers): Promise<boolean> {
    for (const key of ['recent', 'settings', 'timeIndex', 'semantic'] as const) {
      const target = await stat(to[key]);
      if (!target) continue;
      const source = await stat(from[key]);
      if (!source || source.ino !== target.ino || source.dev !== target.dev) return true;
    }
    return false;
  }

  /** Rewrites a JSON file in place (atomically); a file that is not JSON is moved as it is. */
  private async rewriteJson(path: string, change: (value: unknown) => unknown): Promise<void> {
    let value: unknown;
    try {
      value = parseJsonText(await fs.readFile(path, 'utf8'));
    } catch {
      return;
    }
    const next = change(value);
    if (next !== value) await writeFileAtomic(path, JSON.stringify(next, null, 2));
  }

  /** Reviews are cancelled and queued background work gets a bounded time to finish first. */
  private async quiesce(names: readonly string[]): Promise<void> {
    for (const name of names) await this.review.cancel(name);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ingest.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIESCE_MS)))]);
    clearTimeout(timer);
  }

  /** Write locks, then vector jobs, of every name, always taken in name order (no deadlock between two renames). */
  private exclusive<T>(names: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(names)].sort();
    const withJobs = sorted.reduceRight<() => Promise<T>>((inner, n) => () => this.semantic.exclusive(n, inner), work);
    return sorted.reduceRight<() => Promise<T>>((inner, n) => () => this.locks.run(n, inner), withJobs)();
  }

  private async closeHandles(name: string): Promise<void> {
    await this.timeIndex.close(name).catch(() => undefined);
    await this.vectors.release(name);
  }
}

/** A file name part that the {name} routes can address. */
function isAddressable(name: string): boolean {
  try {
    return validateLanlanName(name) === name;
  } catch {
    return false;
  }
}
