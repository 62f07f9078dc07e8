import { characterPrompt, coerceCharactersFile, deriveCharacterData } from './characters.types';
import { defaultCharactersFile } from './default-character.const';

describe('characters.json', () => {
  it('derives the default install (spec §9.2)', () => {
    const data = deriveCharacterData(coerceCharactersFile(defaultCharactersFile()));
    expect(data.masterName).toBe('哥哥');
    expect(data.names).toEqual(['test']);
    expect(data.currentName).toBe('test');
    expect(data.nameMapping).toEqual({ human: '哥哥', system: 'SYSTEM_MESSAGE' });
    expect(data.characters.test.live2d).toBe('mao_pro');
  });

  it('falls back to the first character when 当前猫娘 is invalid, without losing unknown keys', () => {
    const file = coerceCharactersFile({ 主人: { 档案名: '阿明' }, 猫娘: { 小天: {}, 小雪: {} }, 当前猫娘: '没有', 其他: 1 });
    expect(deriveCharacterData(file).currentName).toBe('小天');
    expect(file['其他']).toBe(1);
    expect(file['当前猫娘']).toBe('没有');
  });

  it('survives garbage', () => {
    const data = deriveCharacterData(coerceCharactersFile({ 主人: 'x', 猫娘: [1], 当前猫娘: 3 }));
    expect(data.masterName).toBe('哥哥');
    expect(data.names).toEqual([]);
    expect(data.currentName).toBeUndefined();
  });

  it('renders the prompt with names, custom or default', () => {
    const file = coerceCharactersFile({ 主人: { 档案名: '阿明' }, 猫娘: { 小天: { system_prompt: '我是{LANLAN_NAME}，{MASTER_NAME}好' }, 小雪: {} } });
    const data = deriveCharacterData(file);
    expect(characterPrompt(data, '小天')).toBe('我是小天，阿明好');
    const fallback = characterPrompt(data, '小雪');
    expect(fallback).toContain('You are playing 小雪');
    expect(fallback).not.toContain('{MASTER_NAME}');
  });
});
