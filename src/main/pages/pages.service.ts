import { Injectable, Logger } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { StartupService } from '../startup/startup.service';
import { ALL_PAGES, COMPANION_PAGE, type PageDefinition } from './pages.const';

interface NavItem {
  readonly href: string;
  readonly title: string;
  readonly titleKey: string;
  readonly active: boolean;
}

/** What a page template and the layout read (Handlebars escapes every value). */
export interface PageContext {
  readonly title: string;
  readonly titleKey: string;
  readonly script: string;
  readonly uiLanguage: string;
  readonly nav: readonly NavItem[];
  /** The character the page works on ('' when none is configured). */
  readonly lanlanName: string;
  /** The current character (当前猫娘). */
  readonly currentName: string;
  readonly masterName: string;
  readonly isCompanion: boolean;
}

/** Builds the view context of a page: navigation, language, and the character it is about. */
@Injectable()
export class PagesService {
  private readonly logger = new Logger('Pages');

  constructor(
    private readonly characters: CharactersService,
    private readonly startup: StartupService,
  ) {}

  /** `requested` is the `lanlan_name` of the URL (query or path), if any. */
  async context(page: PageDefinition, requested?: string): Promise<PageContext> {
    const { currentName, masterName } = await this.characterNames();
    const lanlanName = requested !== undefined && requested.trim() !== '' ? requested : currentName;
    return {
      title: page.title,
      titleKey: page.titleKey,
      script: page.script,
      uiLanguage: this.startup.uiLanguage,
      nav: ALL_PAGES.filter((p) => p.nav)
        .map((p) => ({ href: `/${p.paths[0]}`, title: p.title, titleKey: p.titleKey, active: p === page })),
      lanlanName,
      currentName,
      masterName,
      isCompanion: page === COMPANION_PAGE,
    };
  }

  /** A page must render even when characters.json is unreadable: the page then shows the API's error. */
  private async characterNames(): Promise<{ currentName: string; masterName: string }> {
    try {
      const data = await this.characters.data();
      return { currentName: data.currentName ?? '', masterName: data.masterName };
    } catch (err) {
      this.logger.warn(`characters.json unreadable while rendering a page: ${err instanceof Error ? err.message : String(err)}`);
      return { currentName: '', masterName: '' };
    }
  }
}
