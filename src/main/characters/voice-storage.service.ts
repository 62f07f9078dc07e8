import { Inject, Injectable } from '@nestjs/common';
import { DATA_FOLDER } from '../../shared/config/config.tokens';
import { ConfigFileService } from '../../shared/config/config-file.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import type { DataFolder } from '../../shared/data/data-folder';
import { isPlainObject } from '../../shared/data/json-edit';

/** One registered custom voice (spec §9.4); unknown keys are kept. */
export type VoiceEntry = Record<string, unknown> & { voice_id?: string; prefix?: string; file_url?: string; created_at?: string };

/** voice_storage.json: `{ "<AUDIO_API_KEY>": { "<voice_id>": VoiceEntry } }`. */
export type VoiceStorageFile = Record<string, Record<string, VoiceEntry>>;

/** Voices of the retired CosyVoice v2 generation are hidden and count as invalid. */
const HIDDEN_PREFIX = 'cosyvoice-v2';

export function coerceVoiceStorage(raw: unknown): VoiceStorageFile {
  const out: VoiceStorageFile = {};
  if (!isPlainObject(raw)) return out;
  for (const [key, voices] of Object.entries(raw)) {
    if (!isPlainObject(voices)) continue;
    const lib: Record<string, VoiceEntry> = {};
    for (const [id, entry] of Object.entries(voices)) if (isPlainObject(entry)) lib[id] = entry;
    out[key] = lib;
  }
  return out;
}

/**
 * The custom-voice library. It is keyed by the audio API key string itself, so only the voices
 * registered with the currently derived AUDIO_API_KEY (core_config.json → audioApiKey) are visible.
 */
@Injectable()
export class VoiceStorageService extends ConfigFileService<VoiceStorageFile> {
  constructor(
    @Inject(DATA_FOLDER) folder: DataFolder,
    private readonly coreConfig: CoreConfigService,
  ) {
    super(folder.configFile('voice_storage.json'), { defaults: () => ({}), coerce: coerceVoiceStorage });
  }

  async audioApiKey(): Promise<string> {
    return (await this.coreConfig.config()).audioApiKey;
  }

  /** get_voices_for_current_api(): `{}` without an audio key; cosyvoice-v2 ids left out. */
  async currentVoices(): Promise<Record<string, VoiceEntry>> {
    const key = await this.audioApiKey();
    if (!key) return {};
    const file = await this.read();
    const lib = Object.hasOwn(file, key) ? file[key] : {};
    return Object.fromEntries(Object.entries(lib).filter(([id]) => !id.startsWith(HIDDEN_PREFIX)));
  }

  /** validate_voice_id(): "" is valid; otherwise the id must be in the current library. */
  async isValid(voiceId: unknown): Promise<boolean> {
    if (voiceId === '') return true;
    if (typeof voiceId !== 'string') return false;
    return Object.hasOwn(await this.currentVoices(), voiceId);
  }

  /** save_voice_for_current_api(); throws when there is no audio key to file it under. */
  async saveVoice(voiceId: string, entry: VoiceEntry): Promise<void> {
    const key = await this.audioApiKey();
    if (!key) throw new Error('未配置AUDIO_API_KEY');
    await this.update((draft) => {
      draft[key] = { ...(Object.hasOwn(draft, key) ? draft[key] : {}), [voiceId]: entry };
    });
  }
}

/** Python's datetime.now().isoformat(): local time, microseconds, no zone. */
export function isoNow(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}000`;
}
