import { rewriteRecentNames, renameSettingsSection } from './memory-rename.rewrite';

describe('memory rename rewrite', () => {
  it('replaces exact name fields and speaker markers, nothing else', () => {
    const [item] = rewriteRecentNames(
      [{ type: 'ai', name: '小天', data: { content: '小天说：你好 [小天] 小天: 小天-> 小天 | 小天很可爱', author: '小天x', speaker: '小天' } }],
      '小天',
      '小白',
    );
    expect(item).toEqual({ type: 'ai', name: '小白', data: { content: '小白说：你好 [小白] 小白: 小白-> 小白 | 小天很可爱', author: '小天x', speaker: '小白' } });
    expect(rewriteRecentNames([{ data: { content: [{ type: 'text', text: '小天: hi' }] } }, 3], '小天', '小白')).toEqual([{ data: { content: [{ type: 'text', text: '小白: hi' }] } }, 3]);
  });

  it('moves the settings section to the new name, keeping order', () => {
    expect(Object.keys(renameSettingsSection({ 小天: { a: 1 }, 阿明: {} }, '小天', '小白'))).toEqual(['小白', '阿明']);
    const kept = { 小天: {}, 小白: {} };
    expect(renameSettingsSection(kept, '小天', '小白')).toBe(kept);
  });
});
