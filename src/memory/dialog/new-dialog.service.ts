import { Inject, Injectable } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { detectLanguage, type PromptLanguage } from '../../shared/i18n/language';
import type { ChatMessage } from '../messages/chat-message';
import { RecentMemoryRepository } from '../recent/recent-memory.repository';
import { pythonJsonDumps, SettingsService } from '../settings/settings.service';
import { TimeIndexRepository } from '../time-index/time-index.repository';
import { CLOCK, type Clock } from './clock.token';
import { DIALOG_TEXTS, shortTime, spokenTime, stripBrackets } from './new-dialog.template';

const HOUR = 3600_000;

/** Builds the memory section main appends to a new session's system prompt, from disk only. */
@Injectable()
export class NewDialogService {
  private readonly language: PromptLanguage = detectLanguage();

  constructor(
    private readonly characters: CharactersService,
    private readonly settings: SettingsService,
    private readonly recent: RecentMemoryRepository,
    private readonly timeIndex: TimeIndexRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Empty string for a character that is not configured (as N.E.K.O. answers). */
  async render(name: string): Promise<string> {
    const now = this.clock();
    const data = await this.characters.data().catch(() => undefined);
    if (!data || !data.names.includes(name)) return '';
    const texts = DIALOG_TEXTS[this.language];
    const master = data.masterName;
    const settings = pythonJsonDumps(await this.settings.get(name));
    let out = texts.header(name) + texts.body(name, master, settings, spokenTime(now));

    const last = await this.timeIndex.lastConversationTime(name).catch(() => undefined);
    const gap = last ? now.getTime() - last.getTime() : 0;
    if (gap >= HOUR) {
      const totalMinutes = Math.floor(gap / 60_000);
      const elapsed = texts.elapsed(Math.floor(totalMinutes / 60), totalMinutes % 60);
      out += (gap >= 5 * HOUR ? texts.longGap(name, master, shortTime(now), elapsed) : texts.gapNotice(master, elapsed)) + '\n';
    }
    const labels: Record<ChatMessage['type'], string> = { human: master, ai: name, system: 'SYSTEM_MESSAGE' };
    for (const message of await this.recent.read(name)) {
      const label = labels[message.type];
      if (typeof message.content === 'string') out += `${label} | ${stripBrackets(message.content)}\n`;
      else out += `${label} | ${message.content.filter((p) => p.type === 'text').map((p) => stripBrackets(p.text ?? '')).join('\n')}\n`;
    }
    return out;
  }
}
