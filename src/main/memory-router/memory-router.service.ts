import { Injectable } from '@nestjs/common';
import { characterNameProblem } from '../../shared/config/character-name';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { isPlainObject } from '../../shared/data/json-edit';
import { ChatMemoryService } from '../chat-memory/chat-memory.service';
import { MemoryServerClient } from '../clients/peer-clients.module';
import type { PeerRequest, PeerResponse } from '../clients/peer-http.client';
import { catgirlNameProblem, MEMORY_TEXT, nameFromRecentFilename, parseChat, readFilenameProblem, saveFilenameProblem } from './memory-names.validator';
import { answer, failure, type WireAnswer } from './peer-answer.util';

/** 503 answer when the memory server cannot be reached (main never touches memory/ itself). */
export function memoryDown(err: unknown): WireAnswer {
  return answer({ success: false, error: `记忆服务器未连接 (${failure(err)})` }, 503);
}

/** The memory server's error text: its `error`, else its FastAPI `detail`, else the status. */
function peerError(res: PeerResponse): string {
  const json: unknown = res.json;
  if (isPlainObject(json)) {
    if (typeof json.error === 'string') return json.error;
    if (typeof json.detail === 'string') return json.detail;
    if (Array.isArray(json.detail)) return JSON.stringify(json.detail);
  }
  return `memory server responded ${res.status}`;
}

const path = (name: string, ...rest: string[]) => `/api/memory/${[name, ...rest].map(encodeURIComponent).join('/')}`;

interface MemoryCharacters {
  characters?: Array<{ name?: unknown; recent_file?: unknown }>;
}

/**
 * N.E.K.O.'s memory router (spec §3.6) over the memory server's admin API: same validation and
 * texts as the original, but the files are read and written by the memory server (its locks,
 * its review cancellation). review_config is core_config.json, which main owns.
 */
@Injectable()
export class MemoryRouterService {
  constructor(
    private readonly memory: MemoryServerClient,
    private readonly chatMemory: ChatMemoryService,
    private readonly coreConfig: CoreConfigService,
  ) {}

  private async call(p: string, req: PeerRequest, onAnswer: (res: PeerResponse) => WireAnswer | Promise<WireAnswer>): Promise<WireAnswer> {
    let res: PeerResponse;
    try {
      res = await this.memory.request(p, req);
    } catch (err) {
      return memoryDown(err);
    }
    return onAnswer(res);
  }

  recentFiles(): Promise<WireAnswer> {
    return this.call('/api/memory', {}, (res) => {
      if (!res.ok) return answer({ success: false, error: peerError(res) }, 502);
      const list = (res.json as MemoryCharacters | undefined)?.characters ?? [];
      const files = list.flatMap((c) => (typeof c.recent_file === 'string' ? [c.recent_file] : []));
      return answer({ files: [...new Set(files)].sort() });
    });
  }

  recentFile(filename: string): Promise<WireAnswer> | WireAnswer {
    const problem = readFilenameProblem(filename);
    if (problem) return answer({ success: false, error: problem }, 400);
    // recent*.json that is not recent_<name>.json belongs to no character: nothing to read.
    const name = nameFromRecentFilename(filename);
    if (name === undefined) return answer({ success: false, error: MEMORY_TEXT.notFound }, 404);
    // A name no character can have (too long for the memory server's routes, too) is refused here.
    if (characterNameProblem(name)) return answer({ success: false, error: MEMORY_TEXT.notRecent }, 400);
    return this.call(path(name, 'recent', 'file'), {}, (res) => {
      if (res.ok && isPlainObject(res.json) && typeof res.json.content === 'string') return answer({ content: res.json.content });
      if (res.status === 404 || res.status === 400) return answer({ success: false, error: res.status === 404 ? MEMORY_TEXT.notFound : MEMORY_TEXT.notRecent }, res.status);
      return answer({ success: false, error: peerError(res) }, 502);
    });
  }

  saveRecentFile(body: { filename?: unknown; chat?: unknown }): Promise<WireAnswer> | WireAnswer {
    const problem = saveFilenameProblem(body.filename);
    if (problem) return answer({ success: false, error: problem }, 400);
    const parsed = parseChat(body.chat);
    if ('problem' in parsed) return answer({ success: false, error: parsed.problem }, 400);
    const name = nameFromRecentFilename(body.filename as string) as string;
    return this.call(path(name, 'recent', 'file'), { method: 'PUT', body: { chat: parsed.chat } }, (res) => {
      if (res.ok) return answer({ success: true });
      return answer({ success: false, error: peerError(res) }, res.status >= 500 ? 502 : 400);
    });
  }

  async updateCatgirlName(body: { old_name?: unknown; new_name?: unknown }): Promise<WireAnswer> {
    const { old_name: oldName, new_name: newName } = body;
    if (typeof oldName !== 'string' || typeof newName !== 'string' || oldName === '' || newName === '') {
      return answer({ success: false, error: MEMORY_TEXT.missingParams }, 400);
    }
    const oldProblem = catgirlNameProblem(oldName);
    if (oldProblem) return answer({ success: false, error: `旧名称无效: ${oldProblem}` }, 400);
    const newProblem = catgirlNameProblem(newName);
    if (newProblem) return answer({ success: false, error: `新名称无效: ${newProblem}` }, 400);
    if (oldName === newName) {
      // The original renamed the file onto itself: success when it exists.
      return (await this.hasRecentFile(oldName)) ? answer({ success: true }) : answer({ success: false, error: `记忆文件不存在: recent_${oldName}.json` }, 404);
    }
    // Reports still queued for the old name go first, or they would recreate it after the move.
    if (!(await this.chatMemory.flushFor(oldName, 10_000))) return answer({ success: false, error: '记忆仍在同步，请稍后再试 (memory reports are still being delivered; try again shortly)' }, 503);
    return this.call(`${path(oldName)}/rename`, { method: 'POST', body: { new_name: newName }, timeoutMs: 30_000 }, async (res) => {
      if (res.ok) return answer({ success: true });
      // The characters router may already have moved the memory with the character (it calls the
      // memory server's rename itself); the UI's follow-up call then finds the work done.
      if (res.status === 404 && (await this.hasRecentFile(newName))) return answer({ success: true });
      if (res.status === 404) return answer({ success: false, error: `记忆文件不存在: recent_${oldName}.json` }, 404);
      return answer({ success: false, error: peerError(res) }, res.status >= 500 ? 502 : res.status);
    });
  }

  private async hasRecentFile(name: string): Promise<boolean> {
    const files = await this.recentFiles();
    const list = (files.body as { files?: unknown }).files;
    return Array.isArray(list) && list.includes(`recent_${name}.json`);
  }

  async reviewConfig(): Promise<WireAnswer> {
    return answer({ enabled: (await this.coreConfig.config()).recentMemoryAutoReview });
  }

  async setReviewConfig(enabled: boolean): Promise<WireAnswer> {
    await this.coreConfig.update((draft) => {
      draft.recent_memory_auto_review = enabled;
    });
    return answer({ success: true, enabled });
  }
}
