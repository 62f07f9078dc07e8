import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AllowedRootsService } from '../files/allowed-roots.service';
import { PathGuard } from '../files/path-guard';
import type { WorkshopConfigService } from '../workshop/workshop-config.service';
import { ModelLocatorService } from './model-locator.service';
import { InvalidModelNameError } from './model-name.validator';

function touch(path: string, content = '{"Version":3}'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A locator over temp folders standing for public/, <data>/live2d, the mod folder and the Steam root. */
function setup(opts: { steam?: boolean } = {}) {
  const base = mkdtempSync(join(tmpdir(), 'neko-locator-'));
  const dirs = { pub: join(base, 'public'), data: join(base, 'data'), mods: join(base, 'mods'), steam: join(base, 'steam'), outside: join(base, 'outside') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const live2d = join(dirs.data, 'live2d');
  mkdirSync(live2d, { recursive: true });
  const roots = {
    publicDir: dirs.pub,
    dataFolder: { root: dirs.data, live2dDir: live2d },
    guard: () => Promise.resolve(new PathGuard([dirs.data, dirs.pub, dirs.mods, dirs.steam])),
  } as unknown as AllowedRootsService;
  const workshop = {
    workshopPath: () => Promise.resolve(dirs.mods),
    steamWorkshopRoot: () => Promise.resolve(opts.steam === false ? undefined : dirs.steam),
  } as unknown as WorkshopConfigService;
  return { ...dirs, live2d, locator: new ModelLocatorService(roots, workshop) };
}

describe('ModelLocatorService', () => {
  it('find_models walks public/, <data>/live2d and the mod folder in order, without descending into a model, bounded in depth', async () => {
    const s = setup();
    touch(join(s.pub, 'mao_pro', 'mao_pro.model3.json'));
    touch(join(s.pub, 'mao_pro', 'inner', 'inner.model3.json')); // inside a model: not listed
    touch(join(s.pub, 'pack', 'a', 'b', 'deep', 'deep.model3.json'));
    touch(join(s.pub, '1', '2', '3', '4', '5', '6', 'toodeep', 'x.model3.json'));
    touch(join(s.pub, 'node_modules', 'nm', 'nm.model3.json'));
    touch(join(s.pub, '.hidden', 'h', 'h.model3.json'));
    touch(join(s.live2d, 'mao_pro', 'mao_pro.model3.json'));
    touch(join(s.mods, 'modA', 'modA.model3.json'));
    touch(join(s.outside, 'evil', 'evil.model3.json'));
    symlinkSync(join(s.outside, 'evil'), join(s.live2d, 'evil'));
    expect(await s.locator.findModels()).toEqual([
      { name: 'mao_pro', path: '/static/mao_pro/mao_pro.model3.json', source: 'static' },
      { name: 'deep', path: '/static/pack/a/b/deep/deep.model3.json', source: 'static' },
      { name: 'mao_pro_documents', path: '/user_live2d/mao_pro/mao_pro.model3.json', source: 'documents' },
      { name: 'modA', path: '/user_mods/modA/modA.model3.json', source: 'user_mods' },
    ]);
  });

  it('find_model_directory: <data>/live2d, then the Steam root, then the mod folder, then public/ (also the default)', async () => {
    const s = setup();
    touch(join(s.live2d, 'a', 'a.model3.json'));
    touch(join(s.steam, 'a', 'a.model3.json'));
    touch(join(s.steam, '111', 'b', 'b.model3.json'));
    touch(join(s.steam, '222', 'c.model3.json'));
    touch(join(s.mods, 'd', 'd.model3.json'));
    touch(join(s.pub, 'e', 'e.model3.json'));
    expect(await s.locator.findModelDirectory('a')).toEqual({ dir: join(s.live2d, 'a'), urlPrefix: '/user_live2d', url: '/user_live2d/a' });
    expect(await s.locator.findModelDirectory('b')).toEqual({ dir: join(s.steam, '111', 'b'), urlPrefix: '/workshop/111', url: '/workshop/111/b' });
    expect(await s.locator.findModelDirectory('c')).toEqual({ dir: join(s.steam, '222'), urlPrefix: '/workshop', url: '/workshop/222' });
    expect(await s.locator.findModelDirectory('d')).toEqual({ dir: join(s.mods, 'd'), urlPrefix: '/user_mods', url: '/user_mods/d' });
    expect(await s.locator.findModelDirectory('e')).toEqual({ dir: join(s.pub, 'e'), urlPrefix: '/static', url: '/static/e' });
    expect(await s.locator.findModelDirectory('missing')).toEqual({ dir: join(s.pub, 'missing'), urlPrefix: '/static', url: '/static/missing' });
    for (const bad of ['../x', 'a/b', 'a\\b', '..', '', '.git', 'x\u0000']) await expect(s.locator.findModelDirectory(bad)).rejects.toBeInstanceOf(InvalidModelNameError);
  });

  it('a model folder symlinked out of the roots is not found', async () => {
    const s = setup();
    touch(join(s.outside, 'evil', 'evil.model3.json'));
    symlinkSync(join(s.outside, 'evil'), join(s.live2d, 'evil'));
    expect((await s.locator.findModelDirectory('evil')).urlPrefix).toBe('/static');
  });

  it('find_workshop_item_by_id: <W>/<id> under /workshop, public/<id> when there is no workshop folder', async () => {
    const s = setup();
    touch(join(s.steam, '333', 'm.model3.json'));
    expect(await s.locator.findWorkshopItemById('333')).toEqual({ dir: join(s.steam, '333'), urlPrefix: '/workshop', url: '/workshop/333' });
    expect((await s.locator.findWorkshopItemById('444')).dir).toBe(join(s.steam, '444'));
    await expect(s.locator.findWorkshopItemById('../333')).rejects.toBeInstanceOf(InvalidModelNameError);
    const noSteam = setup({ steam: false });
    expect((await noSteam.locator.findWorkshopItemById('333')).dir).toBe(join(noSteam.mods, '333'));
  });

  it('urlOf maps a path below a mount to its URL', async () => {
    const s = setup();
    touch(join(s.live2d, 'm', 'sub', 'f.motion3.json'));
    expect(await s.locator.urlOf(join(s.live2d, 'm', 'sub', 'f.motion3.json'))).toBe('/user_live2d/m/sub/f.motion3.json');
    expect(await s.locator.urlOf(join(s.outside, 'x'))).toBeUndefined();
  });
});
