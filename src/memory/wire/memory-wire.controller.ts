import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { WireException } from '../../shared/http/wire.exception';
import { CharactersService } from '../../shared/config/characters.service';
import { NewDialogService } from '../dialog/new-dialog.service';
import { IngestService, type IngestMode } from '../ingest/ingest.service';
import { InputHistoryError, messageText } from '../messages/chat-message';
import { LanlanNamePipe } from '../messages/lanlan-name.pipe';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { ReviewService } from '../review/review.service';
import { RecallService } from '../search/recall.service';
import { pythonJsonDumps, SettingsService } from '../settings/settings.service';

/** FastAPI serialises a returned str as a JSON string literal; main embeds that body as is. */
const JSON_TYPE = 'application/json';

type WriteResult = { status: 'processed' } | { status: 'cached'; count: number } | { status: 'error'; message: string };

/** FastAPI's 422 body for a missing `input_history`. */
function missingInputHistory(body: unknown): UnprocessableEntityException {
  return new UnprocessableEntityException({
    detail: [{ type: 'missing', loc: ['body', 'input_history'], msg: 'Field required', input: body ?? null }],
  });
}

/** Longest delivery id accepted (main sends UUIDs, 36 characters). */
const MAX_DELIVERY_ID_LENGTH = 64;
const DELIVERY_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

function invalid(type: string, msg: string, input: unknown): UnprocessableEntityException {
  return new UnprocessableEntityException({ detail: [{ type, loc: ['body', 'delivery_id'], msg, input }] });
}

/**
 * The optional `delivery_id` of /process, /renew and /cache (main's durable outbox): absent or
 * null → undefined (the call behaves as in N.E.K.O.); otherwise 1–64 characters of
 * `[A-Za-z0-9_.:-]`, else a FastAPI-style 422.
 */
function parseDeliveryId(body: unknown): string | undefined {
  const raw = (body as { delivery_id?: unknown } | null | undefined)?.delivery_id;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw invalid('string_type', 'Input should be a valid string', raw);
  if (raw.length === 0) throw invalid('string_too_short', 'String should have at least 1 character', raw);
  if (raw.length > MAX_DELIVERY_ID_LENGTH) throw invalid('string_too_long', `String should have at most ${MAX_DELIVERY_ID_LENGTH} characters`, raw);
  if (!DELIVERY_ID_PATTERN.test(raw)) throw invalid('string_pattern_mismatch', `String should match pattern '${DELIVERY_ID_PATTERN.source}'`, raw);
  return raw;
}

/**
 * N.E.K.O.'s memory HTTP API (spec memory §2.3, V1 §6): the paths, bodies and literal texts main
 * depends on. Text endpoints answer JSON strings as FastAPI did, except /new_dialog (text/plain, V1).
 */
@Controller()
export class MemoryWireController {
  constructor(
    private readonly ingest: IngestService,
    private readonly dialog: NewDialogService,
    private readonly recent: RecentMemoryRepository,
    private readonly settings: SettingsService,
    private readonly review: ReviewService,
    private readonly characters: CharactersService,
    private readonly recall: RecallService,
  ) {}

  @Post('process/:name')
  @HttpCode(200)
  process(@Param('name', LanlanNamePipe) name: string, @Body() body: unknown): Promise<WriteResult> {
    return this.write(name, body, 'process');
  }

  @Post('renew/:name')
  @HttpCode(200)
  renew(@Param('name', LanlanNamePipe) name: string, @Body() body: unknown): Promise<WriteResult> {
    return this.write(name, body, 'renew');
  }

  @Post('cache/:name')
  @HttpCode(200)
  cache(@Param('name', LanlanNamePipe) name: string, @Body() body: unknown): Promise<WriteResult> {
    return this.write(name, body, 'cache');
  }

  @Get('new_dialog/:name')
  @Header('content-type', 'text/plain; charset=utf-8')
  async newDialog(@Param('name', LanlanNamePipe) name: string): Promise<string> {
    // A fresh session never waits for, or races with, a review.
    await this.review.cancel(name);
    return this.dialog.render(name);
  }

  @Get('get_recent_history/:name')
  @Header('content-type', JSON_TYPE)
  async recentHistory(@Param('name', LanlanNamePipe) name: string): Promise<string> {
    const data = await this.characters.data();
    if (!data.names.includes(name)) return JSON.stringify('开始聊天前，没有历史记录。\n');
    const label = { human: data.masterName, ai: name, system: 'SYSTEM_MESSAGE' } as const;
    let out = `开始聊天前，${name}又在脑海内整理了近期发生的事情。\n`;
    for (const m of await this.recent.read(name)) out += m.type === 'system' ? `${messageText(m)}\n` : `${label[m.type]} | ${messageText(m)}\n`;
    return JSON.stringify(out);
  }

  @Get('get_settings/:name')
  @Header('content-type', JSON_TYPE)
  async getSettings(@Param('name', LanlanNamePipe) name: string): Promise<string> {
    const data = await this.characters.data();
    if (!data.names.includes(name)) return JSON.stringify(`${name}记得{}`);
    return JSON.stringify(`${name}记得${pythonJsonDumps(await this.settings.get(name))}`);
  }

  @Get('search_for_memory/:name/:query')
  @Header('content-type', JSON_TYPE)
  async searchForMemory(@Param('name', LanlanNamePipe) name: string, @Param('query') query: string): Promise<string> {
    // The intended N.E.K.O. layout (V0 never produced it: its vector store was switched off).
    const hits = await this.recall.search(name, { query, k: 5, modelExpansion: true });
    const fragments = hits.length > 0 ? hits.map((h, i) => `记忆片段${i + 1} | \n${h.speaker} | ${h.text}\n`).join('\n') : '（暂无相关记忆片段。）';
    return JSON.stringify(`======${name}尝试回忆=====\n${query}\n\n=====${name}的相关记忆=====\n${fragments}`);
  }

  @Post('cancel_correction/:name')
  @HttpCode(200)
  async cancelCorrection(@Param('name', LanlanNamePipe) name: string): Promise<{ status: 'cancelled' | 'no_task' }> {
    return { status: (await this.review.cancel(name)) ? 'cancelled' : 'no_task' };
  }

  @Post('reload')
  @HttpCode(200)
  reload(): { status: 'success'; message: string } {
    // Configuration is read from disk on every request; nothing is cached that could go stale.
    return { status: 'success', message: '配置已重新加载' };
  }

  @Post('shutdown')
  @HttpCode(200)
  shutdown(): { status: string; message: string } {
    // The launcher owns the process lifetime (as N.E.K.O. started without --enable-shutdown).
    return { status: 'shutdown_disabled', message: '当前模式不允许响应退出请求' };
  }

  private async write(name: string, body: unknown, mode: IngestMode): Promise<WriteResult> {
    const input = (body as { input_history?: unknown } | null | undefined)?.input_history;
    if (input === undefined) throw missingInputHistory(body);
    const deliveryId = parseDeliveryId(body);
    try {
      const count = await this.ingest.ingest(name, input, mode, deliveryId);
      // A repeated delivery (main's outbox retrying after a lost answer) was stored already.
      // Nothing new is stored; the answer keeps its endpoint's shape.
      if (count === 'duplicate') return mode === 'cache' ? { status: 'cached', count: 0 } : { status: 'processed' };
      return mode === 'cache' ? { status: 'cached', count } : { status: 'processed' };
    } catch (err) {
      const answer = { status: 'error', message: (err as Error).message } as const;
      // A bad payload never succeeds; N.E.K.O.'s callers (no delivery_id) always got a 200.
      if (err instanceof InputHistoryError || deliveryId === undefined) return answer;
      // The storage failed (database busy, disk, shutting down): main's outbox retries a 5xx.
      throw new WireException(HttpStatus.SERVICE_UNAVAILABLE, answer);
    }
  }
}
