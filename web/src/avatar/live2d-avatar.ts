/**
 * Live2D avatars (pixi.js 7 + pixi-live2d-display): Cubism 2 models (model.json) with the runtime
 * we build from npm, Cubism 3/4 models (model3.json) with the Cubism Core the user copies into the
 * data folder (Live2D's licence does not let us ship it). The model's own idle motions and blinking
 * run; the mouth follows the lip sync, emotions play the model's mapped motions and expressions.
 */
import type { Live2DModel } from 'pixi-live2d-display-lipsyncpatch';
import { api } from '../core/api';
import { enc, errorMessage } from '../core/dom';
import { t } from '../core/i18n';
import { AvatarError, type AvatarSource } from './avatar.port';
import { drawingRatio, EMOTION_SECONDS, normalizeEmotion, type AvatarRenderer, type RendererLoader } from './avatar.renderer';

const CUBISM2_RUNTIME = '/static/js/dist/vendor/live2d.cubism2.js';
const CUBISM4_CORE_FILE = 'live2dcubismcore.min.js';
const CUBISM4_CORE = `/user_live2d/${CUBISM4_CORE_FILE}`;

const scripts = new Map<string, Promise<void>>();

/** Adds a classic <script> once; the promise rejects when it cannot be loaded. */
function loadScript(src: string): Promise<void> {
  let loading = scripts.get(src);
  if (!loading) {
    loading = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => {
        script.remove();
        scripts.delete(src);
        reject(new Error(`${src} could not be loaded`));
      };
      document.head.append(script);
    });
    scripts.set(src, loading);
  }
  return loading;
}

/** The runtime the model needs, then the matching pixi-live2d-display entry. */
async function live2dModule(source: AvatarSource): Promise<typeof import('pixi-live2d-display-lipsyncpatch/cubism2')> {
  if (/\.model3\.json$/i.test(source.url)) {
    // Asked first, so that a missing file is a message, not a failed request in the console.
    const core = await api.get<{ available: boolean; path: string; url: string }>('/api/live2d/cubism_core').catch(() => undefined);
    const path = core?.path ?? t('avatar.live2dFolder');
    const missing = () => new AvatarError(t('avatar.error.cubism4Missing', { name: source.name, file: CUBISM4_CORE_FILE, path }), 'cubism4-core-missing');
    if (core && !core.available) throw missing();
    try {
      await loadScript(core?.url ?? CUBISM4_CORE);
    } catch (err) {
      throw new AvatarError(missing().message, 'cubism4-core-missing', { cause: err });
    }
    return import('pixi-live2d-display-lipsyncpatch/cubism4');
  }
  await loadScript(CUBISM2_RUNTIME);
  return import('pixi-live2d-display-lipsyncpatch/cubism2');
}

interface EmotionMapping {
  readonly motions?: Record<string, readonly string[]>;
  readonly expressions?: Record<string, readonly string[]>;
}

/** The model's emotion → motion/expression files (only models the server knows have one). */
async function emotionMapping(name: string): Promise<EmotionMapping> {
  try {
    const answer = await api.get<{ success?: boolean; config?: EmotionMapping }>(`/api/live2d/emotion_mapping/${enc(name)}`, { timeoutMs: 10_000 });
    return answer.success ? (answer.config ?? {}) : {};
  } catch {
    return {}; // no mapping: the motion group named after the emotion, if any
  }
}

type Spec = { readonly File?: string; readonly file?: string; readonly Name?: string; readonly name?: string };
const fileOf = (spec: Spec) => (spec.File ?? spec.file ?? '').replace(/\\/g, '/');
const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(Math.random() * list.length)];

/** Plays the emotion: a mapped motion (or the group of that name) and a mapped expression. */
function showEmotion(model: Live2DModel, mapping: EmotionMapping, emotion: string): boolean {
  const manager = model.internalModel.motionManager;
  const definitions = manager.definitions as Partial<Record<string, Spec[]>>;
  const file = pick(mapping.motions?.[emotion] ?? []);
  let played = false;
  for (const [group, specs] of Object.entries(definitions)) {
    const index = file === undefined ? -1 : (specs ?? []).findIndex((s) => fileOf(s) === file);
    if (index >= 0) {
      void model.motion(group, index, 3);
      played = true;
    }
  }
  if (!played && definitions[emotion]?.length) {
    void model.motion(emotion, undefined, 3);
    played = true;
  }
  const expressions = manager.expressionManager;
  const expressionFile = pick(mapping.expressions?.[emotion] ?? []);
  const index = expressionFile === undefined ? -1 : ((expressions?.definitions ?? []) as Spec[]).findIndex((s) => fileOf(s) === expressionFile);
  if (index >= 0) {
    void model.expression(index);
    played = true;
  }
  return played;
}

function setParameter(core: object, cubism2: string, cubism4: string, value: number): void {
  const model = core as { setParamFloat?: (id: string, v: number) => void; setParameterValueById?: (id: string, v: number) => void };
  if (model.setParamFloat) model.setParamFloat(cubism2, value);
  else model.setParameterValueById?.(cubism4, value);
}

/** A texture or motion file the server never answers must not leave the page "loading" forever. */
const LOAD_TIMEOUT_MS = 60_000;

function withinTime(loading: Promise<Live2DModel>): Promise<Live2DModel> {
  let timer = 0;
  const timeout = new Promise<never>((_, reject) => {
    timer = window.setTimeout(() => {
      reject(new DOMException('the model files took too long to load', 'TimeoutError'));
      void loading.then((late) => late.destroy({ children: true, texture: true, baseTexture: true }), () => undefined);
    }, LOAD_TIMEOUT_MS);
  });
  return Promise.race([loading, timeout]).finally(() => clearTimeout(timer));
}

/** Destroys the pixi app (and what it draws) and gives the WebGL context back at once. */
function loseContext(app: { renderer: unknown; destroy(removeView?: boolean, options?: object): void }, withStage = false): void {
  const gl = (app.renderer as { gl?: WebGLRenderingContext }).gl;
  app.destroy(false, withStage ? { children: true, texture: true, baseTexture: true } : undefined);
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
}

export const loadLive2dAvatar: RendererLoader = async (canvas, source, options) => {
  const [PIXI, { Live2DModel: Model }, mapping] = await Promise.all([import('pixi.js'), live2dModule(source), emotionMapping(source.name)]);
  let app: InstanceType<typeof PIXI.Application>;
  try {
    app = new PIXI.Application({ view: canvas, backgroundAlpha: 0, antialias: !options.preview, preserveDrawingBuffer: true, autoStart: false, resolution: drawingRatio(options), width: 1, height: 1 });
  } catch (err) {
    throw new AvatarError(t('avatar.error.webgl'), 'webgl-unavailable', { cause: err });
  }
  let model: Live2DModel;
  try {
    model = await withinTime(Model.from(source.url, { autoUpdate: false, autoHitTest: false, autoFocus: false }));
  } catch (err) {
    loseContext(app);
    console.warn('Live2D', source.url, err);
    const status = /\b(40\d|50\d)\b/.exec(errorMessage(err))?.[1];
    const slow = err instanceof DOMException && err.name === 'TimeoutError';
    const reason = status ? t('avatar.error.notFound', { status }) : slow ? t('avatar.error.slow') : t('avatar.error.unreadable');
    throw new AvatarError(t('avatar.error.loadFailed', { name: source.name, reason }), 'load-failed', { cause: err });
  }
  const natural = { width: model.width, height: model.height };
  model.anchor.set(0.5, 0.5);
  app.stage.addChild(model);
  let mouth = 0;
  let resetAt = 0;
  let time = 0;
  // after the motions wrote their parameters, before the model is drawn: our mouth wins
  // (the typings lose InternalModel's EventEmitter base)
  const events = model.internalModel as unknown as { on(event: 'beforeModelUpdate', listener: () => void): void };
  events.on('beforeModelUpdate', () => setParameter(model.internalModel.coreModel, 'PARAM_MOUTH_OPEN_Y', 'ParamMouthOpenY', mouth));

  const avatar: AvatarRenderer = {
    setMouth(open) {
      mouth = Math.max(0, Math.min(1, open));
    },
    setEmotion(name) {
      const emotion = normalizeEmotion(name);
      const expressions = model.internalModel.motionManager.expressionManager;
      if (emotion === 'neutral' || !showEmotion(model, mapping, emotion)) {
        expressions?.resetExpression();
        resetAt = 0;
        return;
      }
      resetAt = time + EMOTION_SECONDS;
    },
    resize(width, height) {
      app.renderer.resize(width, height);
      // the whole model, a little larger than fits: the upper body is what matters
      const scale = Math.min(width / natural.width, (height / natural.height) * 1.08);
      model.scale.set(scale);
      model.position.set(width / 2, height / 2 + natural.height * scale * 0.04);
    },
    frame(seconds) {
      time += seconds;
      if (resetAt > 0 && time >= resetAt) {
        resetAt = 0;
        model.internalModel.motionManager.expressionManager?.resetExpression();
      }
      model.update(seconds * 1000);
      app.renderer.render(app.stage);
    },
    dispose() {
      loseContext(app, true);
    },
  };
  return avatar;
};
