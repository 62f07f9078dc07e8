import { isValidCharacterName } from '../characters/character-name.validator';
import { catgirlNameProblem, nameFromRecentFilename, parseChat, readFilenameProblem, saveFilenameProblem } from './memory-names.validator';

describe('memory router name checks', () => {
  it('checks recent_file names like the original (separators first, then recent*.json)', () => {
    expect(readFilenameProblem('recent_小天.json')).toBeUndefined();
    expect(readFilenameProblem('recent.json')).toBeUndefined();
    expect(readFilenameProblem('../recent_x.json')).toBe('文件名不能包含路径分隔符或目录遍历字符');
    expect(readFilenameProblem('a\\recent.json')).toBe('文件名不能包含路径分隔符或目录遍历字符');
    expect(readFilenameProblem('settings_x.json')).toBe('文件名不合法');
    expect(nameFromRecentFilename('recent_小天.json')).toBe('小天');
    expect(nameFromRecentFilename('recent.json')).toBeUndefined();
  });

  it('accepts CJK names on save ([QUIRK] fixed) and keeps the traversal checks', () => {
    expect(saveFilenameProblem('recent_小天.json')).toBeUndefined();
    expect(saveFilenameProblem('recent_..json')).toBe('文件名不能包含路径分隔符或目录遍历字符');
    expect(saveFilenameProblem(5)).toBe('文件名必须是字符串');
    expect(saveFilenameProblem('')).toBe('文件名不能为空');
    expect(saveFilenameProblem('recent.json')).toBe('文件名格式不合法，必须以 recent_ 开头并以 .json 结尾');
    expect(saveFilenameProblem('recent_ 小天.json')).toBe('文件名不合法');
    expect(saveFilenameProblem(`recent_${'x'.repeat(51)}.json`)).toBe('文件名不合法');
  });

  it('parses the chat with upstream messages', () => {
    expect(parseChat([{ role: 'user', text: 'a' }, { role: 'assistant' }])).toEqual({ chat: [{ role: 'human', text: 'a' }, { role: 'ai', text: '' }] });
    expect(parseChat([null])).toEqual({ problem: 'chat[0] 必须是一个字典' });
    expect(parseChat([{ role: 1 }])).toEqual({ problem: "chat[0]['role'] 必须是字符串" });
    expect(parseChat([{ role: 'robot' }])).toEqual({ problem: "chat[0]['role'] 必须是 system、human 或 ai" });
  });

  it('validates character names for update_catgirl_name', () => {
    expect(catgirlNameProblem('小天')).toBeUndefined();
    expect(catgirlNameProblem('Luna (cat)')).toBeUndefined();
    expect(catgirlNameProblem('  ')).toBe('名称不能为空');
    expect(catgirlNameProblem('a/b')).toBe('名称不能包含路径分隔符或目录遍历字符');
    expect(catgirlNameProblem('x'.repeat(51))).toBe('名称长度不能超过50个字符');
    expect(catgirlNameProblem('a<b>')).toMatch(/^名称只能包含/);
  });

  it('accepts exactly the names the characters router can create (the shared rule)', () => {
    for (const name of ['Mr.Cat', '小天！', 'Neko~', '猫·娘', "O'Neil", 'x'.repeat(50)]) {
      expect([name, catgirlNameProblem(name)]).toEqual([name, undefined]);
      expect([name, isValidCharacterName(name)]).toEqual([name, true]);
    }
    // The memory server trims and would address another character's memory; a prototype key is never a name.
    for (const name of [' 小天', '小天 ', '__proto__']) expect(catgirlNameProblem(name)).toMatch(/^名称只能包含/);
  });
});
