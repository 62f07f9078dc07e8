import { Injectable, Logger } from '@nestjs/common';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { maskSecret, SECRET_FIELDS } from '../../shared/config/core-config.types';
import { CharacterSessionsService } from '../characters/character-sessions.service';
import { errorText, wireFail as fail, wireOk as ok, type WireResult as Outcome } from '../http/wire-outcome';
import { CORE_API_STRING_FIELDS } from './core-api.dto';

/** The free tier's key is a public literal the settings page recognises; it is never masked. */
const FREE_KEY = 'free-access';

const DEFAULTS: Readonly<Record<string, string>> = { coreApi: 'qwen', assistApi: 'qwen' };

/** A secret as the page may see it: all but the last 4 characters starred ("" stays ""). */
export function maskForDisplay(value: string): string {
  return value === FREE_KEY ? value : maskSecret(value);
}

const isSecret = (field: string): boolean => SECRET_FIELDS.has(field);

/** GET/POST /api/config/core_api (spec §3.1): the settings page's view of core_config.json. */
@Injectable()
export class CoreApiService {
  private readonly logger = new Logger(CoreApiService.name);

  constructor(
    private readonly coreConfig: CoreConfigService,
    private readonly sessions: CharacterSessionsService,
  ) {}

  /**
   * Every key always present. Unlike the snapshot (which returned keys in clear), every secret
   * is masked as upstream does: the browser never receives a full key.
   */
  async view(): Promise<Record<string, unknown>> {
    const file = await this.coreConfig.read();
    const str = (k: string): string => {
      const v = file[k];
      return typeof v === 'string' ? v : '';
    };
    const out: Record<string, unknown> = { api_key: maskForDisplay(str('coreApiKey')) };
    for (const f of CORE_API_STRING_FIELDS) {
      const raw = file[f];
      const v = typeof raw === 'string' ? raw : (DEFAULTS[f] ?? '');
      out[f] = isSecret(f) ? maskForDisplay(v) : v;
    }
    out.enableCustomApi = file.enableCustomApi === true;
    out.success = true;
    return out;
  }

  /**
   * Saves the form. [QUIRK] fixed: the original wrote a new file with only the form's keys, losing
   * recent_memory_auto_review, computerUseModel*, embedding and other settings; here the form's
   * keys are merged into the file (a form key not sent is removed, as the UI omits cleared fields)
   * and every other key is kept. A secret posted back in its masked form keeps the stored value.
   * Then the running sessions reload their page and end, and the managers are re-read.
   */
  async save(body: Record<string, unknown>): Promise<Outcome> {
    await this.coreConfig.update((draft) => {
      const stored = { ...draft };
      const keep = (field: string, value: unknown): unknown => {
        const old = stored[field];
        return isSecret(field) && typeof value === 'string' && typeof old === 'string' && old !== '' && value === maskForDisplay(old) ? old : value;
      };
      for (const f of ['coreApiKey', ...CORE_API_STRING_FIELDS, 'enableCustomApi']) {
        const v = body[f];
        if (v === undefined || v === null) {
          delete draft[f];
          continue;
        }
        draft[f] = f === 'coreApiKey' && typeof v === 'string' ? keep(f, v.trim()) : keep(f, v);
      }
    });
    const ended = await this.sessions.restartAll('API配置已更新，页面即将刷新');
    try {
      await this.sessions.reload();
    } catch (err) {
      this.logger.error(`reload after saving core_config.json failed: ${errorText(err)}`);
      return fail(200, `配置已保存但重新加载失败: ${errorText(err)}`);
    }
    // Listening sessions hear { kind: 'core_config' } from the registry (it watches the file).
    return ok({ success: true, message: 'API Key已保存并重新加载配置', sessions_ended: ended });
  }
}
