/**
 * Mounting an avatar into a stage element, and finding which one a character uses. The renderers
 * are loaded on demand (dynamic import, their own chunks): a page showing a VRM never downloads
 * pixi, one showing a Live2D model never downloads three.
 */
import { api } from '../core/api';
import { el, errorMessage } from '../core/dom';
import { t } from '../core/i18n';
import { AvatarError, type Avatar, type AvatarSource, type MountOptions } from './avatar.port';
import type { AvatarRenderer } from './avatar.renderer';

/** The avatar `npm run build:web` generates (scripts/default-avatar): shown until a model is chosen. */
export const DEFAULT_AVATAR: AvatarSource = { kind: 'vrm', url: '/static/avatars/neko-default.vrm', name: 'N.E.K.O.', isDefault: true };

/** The companion page's avatar that set document.body.dataset.avatar (a newer one may replace it). */
let mainAvatar: Avatar | undefined;

/**
 * User Timing marks of the companion page's avatar (read by `npm run bench -- web`): the renderer's
 * code loaded, the model ready to draw, the first frame drawn.
 */
export const AVATAR_MARKS = { code: 'neko:avatar:code', model: 'neko:avatar:model', frame: 'neko:avatar:frame' } as const;

async function loadRenderer(canvas: HTMLCanvasElement, source: AvatarSource, options: MountOptions, main: boolean): Promise<AvatarRenderer> {
  const load = source.kind === 'vrm' ? (await import('./vrm-avatar')).loadVrmAvatar : (await import('./live2d-avatar')).loadLive2dAvatar;
  if (main) performance.mark(AVATAR_MARKS.code);
  try {
    const renderer = await load(canvas, source, options);
    if (main) performance.mark(AVATAR_MARKS.model);
    return renderer;
  } catch (err) {
    if (err instanceof AvatarError) throw err;
    throw new AvatarError(t('avatar.error.loadFailed', { name: source.name, reason: errorMessage(err) }), 'load-failed', { cause: err });
  }
}

/**
 * Draws `source` in a new canvas appended to `stage`, sized to it and animated until dispose().
 * Rendering pauses while the page is hidden. On the companion page (stage with data-main-avatar)
 * document.body.dataset.avatar tells the kind once the first frame is drawn.
 */
export async function mountAvatar(stage: HTMLElement, source: AvatarSource, options: MountOptions = {}): Promise<Avatar> {
  const canvas = el('canvas', { class: 'avatar-canvas', role: 'img', 'aria-label': t('avatar.label', { name: source.name }) });
  // stacked: while a new avatar loads, the old one stays in place until the caller disposes it
  canvas.style.cssText = 'position:absolute;inset:0;display:block;width:100%;height:100%';
  if (getComputedStyle(stage).position === 'static') stage.style.position = 'relative';
  stage.append(canvas);
  const main = stage.hasAttribute('data-main-avatar');
  let renderer: AvatarRenderer;
  try {
    renderer = await loadRenderer(canvas, source, options, main);
  } catch (err) {
    canvas.remove();
    throw err;
  }
  if (options.signal?.aborted) {
    renderer.dispose();
    canvas.remove();
    options.signal.throwIfAborted();
  }
  let frameId = 0;
  let last = 0;
  let drawn = false;
  let disposed = false;
  let size = { width: 0, height: 0 };

  const tick = (now: number) => {
    frameId = requestAnimationFrame(tick);
    const seconds = last === 0 ? 1 / 60 : Math.min(0.1, (now - last) / 1000);
    last = now;
    if (size.width === 0 || size.height === 0) return;
    renderer.frame(seconds);
    if (!drawn) {
      drawn = true;
      if (main) {
        performance.mark(AVATAR_MARKS.frame);
        mainAvatar = avatar;
        document.body.dataset.avatar = source.kind;
      }
    }
  };
  const start = () => {
    if (frameId === 0 && !disposed && document.visibilityState === 'visible') {
      last = 0;
      frameId = requestAnimationFrame(tick);
    }
  };
  const stop = () => {
    cancelAnimationFrame(frameId);
    frameId = 0;
  };
  const onVisibility = () => (document.visibilityState === 'visible' ? start() : stop());
  const resize = () => {
    const width = Math.round(stage.clientWidth);
    const height = Math.round(stage.clientHeight);
    if (width === size.width && height === size.height) return;
    size = { width, height };
    if (width > 0 && height > 0) renderer.resize(width, height);
  };
  const observer = new ResizeObserver(resize);
  observer.observe(stage);
  document.addEventListener('visibilitychange', onVisibility);
  resize();
  start();

  const avatar: Avatar = {
    kind: source.kind,
    source,
    canvas,
    setMouth: (open) => renderer.setMouth(open),
    setEmotion: (emotion) => renderer.setEmotion(emotion),
    resize: () => {
      size = { width: 0, height: 0 };
      resize();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      stop();
      observer.disconnect();
      document.removeEventListener('visibilitychange', onVisibility);
      renderer.dispose();
      canvas.remove();
      if (mainAvatar === avatar) {
        mainAvatar = undefined;
        delete document.body.dataset.avatar;
      }
    },
  };
  options.signal?.addEventListener('abort', () => avatar.dispose(), { once: true });
  return avatar;
}

interface CharactersFile {
  readonly 当前猫娘?: unknown;
  readonly 猫娘?: Record<string, Record<string, unknown> | undefined>;
}

interface CurrentModel {
  readonly success?: boolean;
  readonly model_name?: string | null;
  readonly model_info?: { readonly name?: string; readonly path?: string; readonly is_fallback?: boolean } | null;
}

interface VrmModels {
  readonly models?: readonly { readonly name: string; readonly filename?: string; readonly path?: string; readonly url: string }[];
}

/** A saved VRM (its URL, or upstream's name or file name) among the models the server has. */
async function vrmSource(saved: string): Promise<AvatarSource | undefined> {
  if (saved === DEFAULT_AVATAR.url) return DEFAULT_AVATAR;
  const { models = [] } = await api.get<VrmModels>('/api/model/vrm/models');
  const hit = models.find((m) => m.url === saved || m.path === saved || m.filename === saved || m.name === saved);
  return hit ? { kind: 'vrm', url: hit.url, name: hit.name } : undefined;
}

/**
 * The avatar of a character ('' = the current one): its VRM when model_type is "vrm", else its
 * Live2D model (current_live2d_model); the default avatar when it has none, the model is missing
 * or the server cannot tell.
 */
export async function avatarSourceFor(lanlanName: string): Promise<AvatarSource> {
  try {
    const file = await api.get<CharactersFile>('/api/characters');
    const name = lanlanName || (typeof file.当前猫娘 === 'string' ? file.当前猫娘 : '');
    const character = name && file.猫娘 && Object.hasOwn(file.猫娘, name) ? file.猫娘[name] : undefined;
    if (character?.model_type === 'vrm') {
      return typeof character.vrm === 'string' && character.vrm !== '' ? ((await vrmSource(character.vrm)) ?? DEFAULT_AVATAR) : DEFAULT_AVATAR;
    }
    if (character?.model_type === 'mmd') return DEFAULT_AVATAR; // not drawn by this front end
    const current = await api.get<CurrentModel>('/api/characters/current_live2d_model', { query: { catgirl_name: name } });
    const info = current.success ? current.model_info : null;
    // is_fallback: the character chose nothing and the server offers mao_pro, which we do not ship
    if (!info || info.is_fallback || typeof info.path !== 'string' || info.path === '') return DEFAULT_AVATAR;
    return { kind: 'live2d', url: info.path, name: current.model_name ?? info.name ?? name };
  } catch (err) {
    console.warn('could not look up the avatar of', lanlanName, err);
    return DEFAULT_AVATAR;
  }
}
