// Memory browser: a character's memories as a day-by-day timeline, search as you type, edit and
// forget, the automatic review switch, and the short-term memory editor.
import { api } from '../core/api';
import { fillSelect, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { MemoryBrowser } from '../manage/memory/memory-browser.controller';

bootPage(async () => {
  const select = must<HTMLSelectElement>('#mem-character');
  const parts = new MemoryBrowser();
  interface Characters {
    readonly 猫娘?: Record<string, unknown>;
  }
  const [chars, current] = await Promise.all([
    api.get<Characters>('/api/characters').catch((): Characters => ({})),
    api.get<{ current_catgirl?: string }>('/api/characters/current_catgirl').catch(() => ({ current_catgirl: '' })),
  ]);
  const names = Object.keys(chars.猫娘 ?? {});
  const data = pageData();
  const preferred = [data.lanlanName, current.current_catgirl ?? '', data.currentName].find((n) => n !== '' && names.includes(n)) ?? names[0] ?? '';
  if (names.length === 0) {
    fillSelect(select, [{ value: '', label: t('memory.noCharacters') }]);
    select.disabled = true;
  } else {
    fillSelect(select, names.map((n) => ({ value: n })), preferred);
  }
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('lanlan_name', select.value);
    history.replaceState(history.state, '', url);
    void parts.show(select.value);
  });
  onLanguageChange(() => parts.relabel());
  await parts.show(select.value);
});
