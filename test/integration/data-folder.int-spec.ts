import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { firstValueFrom, take, timeout } from 'rxjs';
import { CharactersService } from '../../src/shared/config/characters.service';
import { ConfigModule } from '../../src/shared/config/config.module';
import { CoreConfigService } from '../../src/shared/config/core-config.service';
import { PreferencesService } from '../../src/shared/config/preferences.service';
import { createBootContext } from '../../src/shared/lifecycle/boot-context';
import { freePortEnv } from '../support/boot-context';

const FIXTURE = join(__dirname, '..', 'fixtures', 'neko-data');

async function openFolder(root: string): Promise<INestApplicationContext> {
  const ctx = await createBootContext('main', { ...(await freePortEnv()), NEKO_DATA_DIR: root });
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(ctx)] }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

describe('data folder of an existing N.E.K.O. install', () => {
  let root: string;
  let app: INestApplicationContext;
  const original = (name: string) => readFileSync(join(FIXTURE, 'config', name), 'utf8');
  const current = (name: string) => readFileSync(join(root, 'config', name), 'utf8');

  beforeEach(async () => {
    root = join(mkdtempSync(join(tmpdir(), 'neko-folder-')), 'N.E.K.O');
    cpSync(FIXTURE, root, { recursive: true });
    app = await openFolder(root);
  });
  afterEach(() => app.close());

  it('is used as it is: nothing rewritten, missing folders added', () => {
    for (const name of ['characters.json', 'core_config.json', 'user_preferences.json']) expect(current(name)).toBe(original(name));
    expect(existsSync(join(root, 'vrm'))).toBe(true);
    expect(readFileSync(join(root, 'memory', 'recent_小天.json'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'memory', 'recent_小天.json'), 'utf8'));
  });

  it('reads characters, providers and preferences', async () => {
    const data = await app.get(CharactersService).data();
    expect(data.masterName).toBe('阿明');
    expect(data.names).toEqual(['小天', 'Luna']);
    expect(data.currentName).toBe('小天');
    expect(await app.get(CharactersService).promptFor('小天')).toBe('你是小天，阿明的猫娘。说话简短可爱。');

    const core = app.get(CoreConfigService);
    expect(await core.modelConfig('summary')).toEqual({ model: 'qwen2.5:7b', apiKey: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', isCustom: true });
    expect(await core.modelConfig('correction')).toEqual({
      model: 'deepseek-ai/DeepSeek-V3.2-Exp',
      apiKey: 'sk-fixture-silicon-5678',
      baseUrl: 'https://api.siliconflow.cn/v1',
      isCustom: false,
    });
    expect((await core.config()).recentMemoryAutoReview).toBe(false);
    expect((await app.get(PreferencesService).read())[0].model_path).toBe('/static/mao_pro/mao_pro.model3.json');
  });

  it('keeps Chinese and unknown keys byte for byte after a settings save', async () => {
    await app.get(CharactersService).update((file) => {
      file['当前猫娘'] = 'Luna';
      file['猫娘']['小天']['昵称'] = '小T';
    });
    expect(current('characters.json')).toBe(
      original('characters.json').replace('"当前猫娘": "小天"', '"当前猫娘": "Luna"').replace('"昵称": "T酱, 小T"', '"昵称": "小T"'),
    );

    await app.get(CoreConfigService).update((file) => {
      file.assistApiKeyQwen = 'sk-new-qwen';
    });
    expect(current('core_config.json')).toBe(original('core_config.json').replace('"assistApiKeyQwen": ""', '"assistApiKeyQwen": "sk-new-qwen"'));
  });

  it('notices a change written by another process and announces it', async () => {
    const characters = app.get(CharactersService);
    const changed = firstValueFrom(characters.changes$.pipe(take(1), timeout(5000)));
    const file = join(root, 'config', 'characters.json');
    const script = `const fs=require('fs');const f=${JSON.stringify(file)};const j=JSON.parse(fs.readFileSync(f,'utf8'));j['当前猫娘']='Luna';fs.writeFileSync(f+'.tmp',JSON.stringify(j,null,2));fs.renameSync(f+'.tmp',f);`;
    execFileSync(process.execPath, ['-e', script]);
    expect((await changed)['当前猫娘']).toBe('Luna');
    expect((await characters.data()).currentName).toBe('Luna');
  });
});

describe('data folder on first start', () => {
  it('creates the N.E.K.O. layout and defaults once, even when three processes start together', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'neko-fresh-')), 'N.E.K.O');
    const env = { ...(await freePortEnv()), NEKO_DATA_DIR: root };
    const results = await Promise.all(['main', 'memory', 'agent'].map((p) => createBootContext(p as 'main', env)));
    expect(results.flatMap((r) => r.created).sort()).toEqual(['characters.json', 'core_config.json', 'user_preferences.json']);
    for (const dir of ['config', 'memory', 'live2d', 'vrm', 'workshop']) expect(existsSync(join(root, dir))).toBe(true);
    const characters = JSON.parse(readFileSync(join(root, 'config', 'characters.json'), 'utf8'));
    expect(characters['主人']).toEqual({ 档案名: '哥哥', 性别: '男', 昵称: '哥哥' });
    expect(characters['当前猫娘']).toBe('test');
    expect(characters['猫娘'].test).toMatchObject({ 性别: '女', 年龄: 15, 昵称: 'T酱, 小T', live2d: 'mao_pro', voice_id: '' });
    expect(JSON.parse(readFileSync(join(root, 'config', 'core_config.json'), 'utf8'))).toMatchObject({ coreApi: 'qwen', assistApi: 'qwen', coreApiKey: '' });
    expect(JSON.parse(readFileSync(join(root, 'config', 'user_preferences.json'), 'utf8'))).toEqual([]);
  });
});
