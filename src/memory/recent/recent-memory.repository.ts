import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import type { DataFolder } from '../../shared/data/data-folder';
import { writeFileAtomic } from '../../shared/data/atomic-file';
import { fromStoredDict, toStoredDict, type ChatMessage } from '../messages/chat-message';

/** Most messages kept in recent_{L}.json after compression (spec §3.1.1: memo + newest 9). */
export const MAX_RECENT_MESSAGES = 10;

/**
 * `recent_{L}.json`: a JSON array of LangChain message dicts. Always read from disk (the user may
 * edit it); written atomically in the full LangChain shape that V0 and V1 readers both accept.
 * Callers serialise writes per character.
 */
@Injectable()
export class RecentMemoryRepository {
  private readonly logger = new Logger(RecentMemoryRepository.name);

  constructor(@Inject(DATA_FOLDER) private readonly folder: DataFolder) {}

  path(name: string): string {
    return join(this.folder.memoryDir, `recent_${name}.json`);
  }

  async read(name: string): Promise<ChatMessage[]> {
    let text: string;
    try {
      text = await fs.readFile(this.path(name), 'utf8');
    } catch {
      return [];
    }
    if (text.trim() === '') return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      this.logger.warn(`recent_${name}.json is not valid JSON; treating it as empty (it is kept aside on the next write)`);
      return [];
    }
    if (!Array.isArray(raw)) return [];
    const messages: ChatMessage[] = [];
    for (const entry of raw) {
      const m = fromStoredDict(entry);
      if (m) messages.push(m);
      else this.logger.warn(`recent_${name}.json: skipped an entry that is not a message`);
    }
    return messages;
  }

  async write(name: string, messages: readonly ChatMessage[]): Promise<void> {
    const path = this.path(name);
    await fs.mkdir(this.folder.memoryDir, { recursive: true });
    await this.keepBrokenFile(path);
    await writeFileAtomic(path, JSON.stringify(messages.map(toStoredDict), null, 2));
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.path(name), { force: true });
  }

  /** A file we could not read is copied aside before it is replaced, so nothing the user wrote is lost. */
  private async keepBrokenFile(path: string): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch {
      return;
    }
    if (text.trim() === '') return;
    try {
      if (Array.isArray(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text))) return;
    } catch {
      // fall through: broken
    }
    await fs.copyFile(path, `${path}.broken-${Date.now()}`);
  }
}
