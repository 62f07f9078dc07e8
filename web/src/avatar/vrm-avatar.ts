/**
 * VRM avatars (three.js + @pixiv/three-vrm): the upper body framed, soft light, and a living idle —
 * breathing, a gentle sway, head motion, relaxed arms, blinking, eyes on the viewer — plus lip-sync
 * visemes and emotion expressions that fade back to neutral.
 */
import { VRMLoaderPlugin, VRMUtils, type VRM, type VRMHumanBoneName } from '@pixiv/three-vrm';
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { api } from '../core/api';
import { enc, errorMessage } from '../core/dom';
import { t } from '../core/i18n';
import { AvatarError, type AvatarSource } from './avatar.port';
import { Blinker, drawingRatio, EMOTION_SECONDS, Fader, normalizeEmotion, type AvatarRenderer, type Emotion, type RendererLoader } from './avatar.renderer';

const EMOTION_PRESET: Record<Emotion, string | undefined> = { happy: 'happy', sad: 'sad', angry: 'angry', surprised: 'surprised', relaxed: 'relaxed', neutral: undefined };

function createRenderer(canvas: HTMLCanvasElement, antialias: boolean): THREE.WebGLRenderer {
  try {
    return new THREE.WebGLRenderer({ canvas, alpha: true, antialias, preserveDrawingBuffer: true, powerPreference: 'low-power' });
  } catch (err) {
    throw new AvatarError(t('avatar.error.webgl'), 'webgl-unavailable', { cause: err });
  }
}

async function loadVrm(url: string, name: string): Promise<VRM> {
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  let vrm: VRM | undefined;
  try {
    const gltf = await loader.loadAsync(url);
    vrm = gltf.userData.vrm as VRM | undefined;
  } catch (err) {
    const status = /responded with (\d{3})/.exec(errorMessage(err))?.[1]; // GLTFLoader's words for an HTTP error
    const reason = status ? t('avatar.error.notFound', { status }) : t('avatar.error.unreadable');
    console.warn('VRM', url, err);
    throw new AvatarError(t('avatar.error.loadFailed', { name, reason }), 'load-failed', { cause: err });
  }
  if (!vrm) throw new AvatarError(t('avatar.error.loadFailed', { name, reason: t('avatar.error.notVrm') }), 'load-failed');
  VRMUtils.removeUnnecessaryVertices(vrm.scene);
  VRMUtils.combineSkeletons(vrm.scene);
  VRMUtils.rotateVRM0(vrm); // VRM 0.x models face -Z
  vrm.scene.traverse((object) => (object.frustumCulled = false));
  return vrm;
}

/** Where the camera looks and from how far, so that hips to the top of the head fill the stage. */
function frameCamera(vrm: VRM, camera: THREE.PerspectiveCamera, aspect: number): void {
  vrm.scene.updateMatrixWorld(true);
  const bone = (name: VRMHumanBoneName) => vrm.humanoid.getNormalizedBoneNode(name)?.getWorldPosition(new THREE.Vector3());
  const box = new THREE.Box3().setFromObject(vrm.scene);
  const head = bone('head') ?? new THREE.Vector3(0, box.max.y * 0.85, 0);
  const hips = bone('hips') ?? new THREE.Vector3(0, box.max.y * 0.5, 0);
  const top = box.max.y + (box.max.y - hips.y) * 0.04;
  const bottom = hips.y - (head.y - hips.y) * 0.25;
  const height = top - bottom;
  const halfFov = THREE.MathUtils.degToRad(camera.fov / 2);
  const width = Math.min(box.max.x - box.min.x, height) * 0.75; // arms are down: about the shoulders' width
  const distance = Math.max(height / 2 / Math.tan(halfFov), width / 2 / (Math.tan(halfFov) * aspect)) * 1.06;
  const centre = new THREE.Vector3(0, bottom + height / 2, head.z);
  camera.aspect = aspect;
  camera.position.set(centre.x, centre.y + height * 0.03, centre.z + distance);
  camera.lookAt(centre);
  camera.near = distance / 20;
  camera.far = distance * 10;
  camera.updateProjectionMatrix();
}

/** The idle pose and motion, applied to the normalized bones each frame. */
function idle(vrm: VRM, time: number, gestures: boolean): void {
  const set = (name: VRMHumanBoneName, x: number, y: number, z: number) => vrm.humanoid.getNormalizedBoneNode(name)?.rotation.set(x, y, z);
  const breath = Math.sin(time * 1.6);
  const sway = gestures ? Math.sin(time * 0.55) : 0;
  const drift = gestures ? Math.sin(time * 0.37 + 1.3) : 0;
  set('hips', 0, sway * 0.03, sway * 0.015);
  set('spine', breath * 0.012, 0, -sway * 0.01);
  set('chest', breath * 0.018, 0, 0);
  set('neck', drift * 0.03, sway * 0.04, 0);
  set('head', Math.sin(time * 0.9) * 0.025 * (gestures ? 1 : 0.3), drift * 0.09, Math.sin(time * 0.47) * 0.05 * (gestures ? 1 : 0.3));
  const arm = 1.22 + breath * 0.02;
  set('leftShoulder', 0, 0, -breath * 0.015);
  set('rightShoulder', 0, 0, breath * 0.015);
  set('leftUpperArm', 0, 0.1, -arm);
  set('rightUpperArm', 0, -0.1, arm);
  set('leftLowerArm', 0, -0.35 - sway * 0.04, 0);
  set('rightLowerArm', 0, 0.35 - sway * 0.04, 0);
  set('leftHand', 0, 0, -0.1);
  set('rightHand', 0, 0, 0.1);
  const tail = vrm.scene.getObjectByName('Tail');
  if (tail) tail.rotation.set(Math.sin(time * 1.1) * 0.12, Math.sin(time * 1.4) * 0.35, Math.sin(time * 0.9) * 0.1);
}

type Mapping = Readonly<Record<string, unknown>>;

/**
 * The expressions the user chose per emotion on the models page (the server answers its default
 * map for models without one); none for the built-in avatar, which the server does not know.
 */
async function emotionMapping(source: AvatarSource): Promise<Mapping> {
  if (source.isDefault) return {};
  try {
    const answer = await api.get<{ success?: boolean; config?: Mapping }>(`/api/model/vrm/emotion_mapping/${enc(source.name)}`, { timeoutMs: 10_000 });
    return answer.success && answer.config ? answer.config : {};
  } catch {
    return {}; // the VRM presets then
  }
}

/** The first expression the model has among those mapped to the emotion, else the VRM preset. */
function expressionFor(vrm: VRM, mapping: Mapping, emotion: string): string | undefined {
  const has = (name: string) => vrm.expressionManager?.getExpression(name) != null;
  const word = emotion.trim().toLowerCase();
  const normal = normalizeEmotion(word);
  for (const key of [word, normal]) {
    const mapped = mapping[key];
    const names = typeof mapped === 'string' ? [mapped] : Array.isArray(mapped) ? mapped : [];
    const hit = names.find((n): n is string => typeof n === 'string' && n !== 'neutral' && has(n));
    if (hit) return hit;
  }
  const preset = EMOTION_PRESET[normal];
  return preset && has(preset) ? preset : undefined;
}

export const loadVrmAvatar: RendererLoader = async (canvas, source, options) => {
  // The download starts first: it goes on while the WebGL context is created (slow in software GL).
  const model = Promise.all([loadVrm(source.url, source.name), emotionMapping(source)]);
  let renderer: THREE.WebGLRenderer;
  try {
    renderer = createRenderer(canvas, !options.preview);
  } catch (err) {
    void model.catch(() => undefined); // its failure is not the one to report
    throw err;
  }
  renderer.setPixelRatio(drawingRatio(options));
  let vrm: VRM;
  let mapping: Mapping;
  try {
    [vrm, mapping] = await model;
  } catch (err) {
    renderer.dispose();
    renderer.forceContextLoss();
    throw err;
  }
  const scene = new THREE.Scene();
  scene.add(vrm.scene);
  scene.add(new THREE.HemisphereLight(0xfff4f8, 0xd9cbe8, 1.6));
  const key = new THREE.DirectionalLight(0xffffff, 2.2);
  key.position.set(0.6, 1.6, 2.2);
  scene.add(key);
  const camera = new THREE.PerspectiveCamera(24, 1, 0.05, 50);
  const gaze = new THREE.Object3D();
  camera.add(gaze);
  scene.add(camera);
  if (vrm.lookAt) vrm.lookAt.target = gaze;
  // Shaders compile before the first frame, off the main thread where the GPU driver can
  // (KHR_parallel_shader_compile), so the page stays responsive meanwhile.
  await renderer.compileAsync(scene, camera);
  // no swaying for the models page's preview, nor for people who asked their system for less motion
  const gestures = !options.preview && !matchMedia('(prefers-reduced-motion: reduce)').matches;
  const expressions = vrm.expressionManager;
  const blinker = new Blinker();
  const emotion = new Fader(0.25, 0.6);
  let shown: string | undefined;
  let mouth = 0;
  let time = 0;

  const avatar: AvatarRenderer = {
    setMouth(open) {
      mouth = Math.max(0, Math.min(1, open));
    },
    setEmotion(name) {
      const next = expressionFor(vrm, mapping, name);
      if (!next) {
        emotion.hide(); // neutral (or nothing to show): the current expression fades out
        return;
      }
      if (shown && shown !== next) expressions?.setValue(shown, 0);
      shown = next;
      emotion.show(EMOTION_SECONDS);
    },
    resize(width, height) {
      renderer.setSize(width, height, false);
      frameCamera(vrm, camera, width / height);
    },
    frame(seconds) {
      time += seconds;
      idle(vrm, time, gestures);
      // the eyes wander a little around the viewer's face
      gaze.position.set(Math.sin(time * 0.31) * 0.04, Math.sin(time * 0.23) * 0.02, 0);
      if (expressions) {
        expressions.setValue('blink', blinker.update(seconds));
        const weight = emotion.update(seconds);
        if (shown) expressions.setValue(shown, weight);
        // mostly "aa", with a little "ih" and "ou" so that speech does not look like a puppet's
        expressions.setValue('aa', mouth * 0.85);
        expressions.setValue('ih', mouth * 0.25 * (0.5 + 0.5 * Math.sin(time * 9.1)));
        expressions.setValue('ou', mouth * 0.2 * (0.5 + 0.5 * Math.sin(time * 6.3 + 1)));
      }
      vrm.update(seconds);
      renderer.render(scene, camera);
    },
    dispose() {
      scene.remove(vrm.scene);
      VRMUtils.deepDispose(vrm.scene);
      renderer.dispose();
      renderer.forceContextLoss();
    },
  };
  return avatar;
};
