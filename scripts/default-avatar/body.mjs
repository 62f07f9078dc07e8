// The default avatar's body: a humanoid skeleton in T-pose facing +Z (VRM 1.0), rigid meshes under
// the bones (no skinning: small file, simple), chibi proportions (a big head on a small body).
import * as THREE from 'three';
import { buildFace } from './face.mjs';

// Colours of the default avatar, the soft pastels of the pages (accent #e0739a, lilac #b79ae6).
// `shade` is the MToon shade colour (toon shading), `outline` the outline width in metres.
export const PALETTE = {
  skin: { color: 0xffe9e0, shade: 0xf6c7c0, outline: 0.0025 },
  hair: { color: 0xf7c6d9, shade: 0xd88fb2, outline: 0.0028, doubleSided: true },
  earInner: { color: 0xffdfe9, shade: 0xf2b3c8 },
  hairShine: { color: 0xfff0f6, shade: 0xf7d3e2 },
  dress: { color: 0xcdb6f2, shade: 0x9f86d6, outline: 0.0028 },
  white: { color: 0xfffbfd, shade: 0xe6dbef, outline: 0.002 },
  accent: { color: 0xe0739a, shade: 0xc2557d, outline: 0.002 },
  accentDark: { color: 0xc2557d, shade: 0xa3436a },
  stocking: { color: 0xfffbfd, shade: 0xe3d7ec, outline: 0.0022 },
  shoe: { color: 0x9a6386, shade: 0x6e3f5e, outline: 0.002 },
  // face decals: flat colours, both sides drawn (their winding does not matter)
  eyeWhite: { color: 0xfffdfe, unlit: true, doubleSided: true },
  iris: { color: 0x7a3f78, unlit: true, doubleSided: true },
  irisLight: { color: 0xd77fb0, unlit: true, doubleSided: true },
  pupil: { color: 0x3d1f3f, unlit: true, doubleSided: true },
  shine: { color: 0xffffff, unlit: true, doubleSided: true },
  lash: { color: 0x4a2636, unlit: true, doubleSided: true },
  mouth: { color: 0x9c3a55, unlit: true, doubleSided: true },
  tongue: { color: 0xf48ca8, unlit: true, doubleSided: true },
  blush: { color: 0xffc2d1, unlit: true, doubleSided: true },
  blushLine: { color: 0xf59ab4, unlit: true, doubleSided: true },
};

/** Outline colour of every toon material (a warm plum, never black). */
export const OUTLINE = 0x8a4f6e;

const HEAD = { radius: 0.17, sx: 1.06, sy: 0.95, centre: 0.13 };

/** A material per palette entry; `unlit` ones are flat decals (face features), the rest get toon shading. */
function materials() {
  const out = {};
  for (const [name, entry] of Object.entries(PALETTE)) {
    const params = { color: new THREE.Color(entry.color), name, side: entry.doubleSided ? THREE.DoubleSide : THREE.FrontSide };
    out[name] = entry.unlit ? new THREE.MeshBasicMaterial(params) : new THREE.MeshStandardMaterial({ ...params, roughness: 1, metalness: 0 });
  }
  return out;
}

function node(name, parent, [x, y, z], object = new THREE.Object3D()) {
  object.name = name;
  object.position.set(x, y, z);
  parent.add(object);
  return object;
}

function mesh(name, parent, position, geometry, material, { scale, rotation } = {}) {
  if (geometry.hasAttribute('uv')) geometry.deleteAttribute('uv'); // no textures: texture coordinates would only grow the file
  const m = node(name, parent, position, new THREE.Mesh(geometry, material));
  if (scale) m.scale.set(...scale);
  if (rotation) m.rotation.set(...rotation);
  return m;
}

/**
 * A tube along `points` (Catmull-Rom) whose radius follows `radius(t)`; `flat` squashes it along
 * `flatAxis(point)` (hair locks lie flat on the head).
 */
function tube(points, radius, { segments = 24, radial = 10, flat = 1, flatAxis } = {}) {
  const curve = new THREE.CatmullRomCurve3(points.map((p) => new THREE.Vector3(...p)));
  const frames = curve.computeFrenetFrames(segments, false);
  const position = [];
  const index = [];
  for (let i = 0; i <= segments; i++) {
    const t = i / segments;
    const p = curve.getPointAt(t);
    const tangent = frames.tangents[i];
    const n = flatAxis ? flatAxis(p).clone().projectOnPlane(tangent).normalize() : frames.normals[i];
    const b = new THREE.Vector3().crossVectors(tangent, n).normalize();
    const r = radius(t);
    for (let j = 0; j < radial; j++) {
      const a = (j / radial) * Math.PI * 2;
      const v = p.clone().addScaledVector(b, Math.cos(a) * r).addScaledVector(n, Math.sin(a) * r * flat);
      position.push(v.x, v.y, v.z);
    }
  }
  for (let i = 0; i < segments; i++) {
    for (let j = 0; j < radial; j++) {
      const a = i * radial + j;
      const b2 = i * radial + ((j + 1) % radial);
      index.push(a, a + radial, b2, b2, a + radial, b2 + radial);
    }
  }
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(position, 3));
  g.setIndex(index);
  g.computeVertexNormals();
  return g;
}

/** A point on the head ellipsoid at azimuth `az` (0 = front, + = the avatar's left) and elevation `el`, `out` beyond it. */
function onHead(az, el, out = 0) {
  const r = HEAD.radius + out;
  return [Math.sin(az) * Math.cos(el) * r * HEAD.sx, Math.sin(el) * r * HEAD.sy + HEAD.centre, Math.cos(az) * Math.cos(el) * r];
}

/** Face-plane point → on the head's front surface, decals stacked 0.6 mm apart. */
function faceSurface(x, y, layer) {
  const a = HEAD.radius * HEAD.sx;
  const b = HEAD.radius * HEAD.sy;
  const c = HEAD.radius;
  const z = c * Math.sqrt(Math.max(0, 1 - (x / a) ** 2 - (y / b) ** 2));
  return [x, y + HEAD.centre, z + 0.0015 + layer * 0.0006];
}

function hair(head, m) {
  const r = HEAD.radius * 1.07;
  const cap = new THREE.SphereGeometry(r, 32, 12, 0, Math.PI * 2, 0, Math.PI * 0.43);
  mesh('HairCap', head, [0, HEAD.centre, 0], cap, m.hair, { scale: [HEAD.sx, HEAD.sy, 1] });
  // the back: down past the nape, open at the face
  const back = new THREE.SphereGeometry(r * 1.01, 24, 10, Math.PI / 2 + 1.25, Math.PI * 2 - 2.5, Math.PI * 0.3, Math.PI * 0.52);
  mesh('HairBack', head, [0, HEAD.centre, 0], back, m.hair, { scale: [HEAD.sx, HEAD.sy, 1] });
  const radial = (p) => new THREE.Vector3(p.x / HEAD.sx, p.y - HEAD.centre, p.z).normalize();
  // bangs: locks from the crown over the forehead, the middle ones shortest
  const locks = [-0.95, -0.66, -0.36, -0.1, 0.14, 0.4, 0.68, 0.97];
  locks.forEach((az, i) => {
    const tipEl = 0.2 + Math.abs(az) * 0.05 + (i % 2) * 0.06;
    const points = [onHead(az * 0.6, 1.15, 0.012), onHead(az * 0.9, 0.7, 0.016), onHead(az, tipEl + 0.15, 0.014), onHead(az + (az > 0 ? 0.05 : -0.05), tipEl, 0.008)];
    mesh(`Bang${i}`, head, [0, 0, 0], tube(points, (t) => 0.034 * (1 - t) ** 0.8 + 0.002, { flat: 0.3, flatAxis: radial, segments: 10, radial: 6 }), m.hair);
  });
  // side locks framing the cheeks, and a curl on top
  for (const side of [1, -1]) {
    const points = [onHead(side * 1.05, 0.55, 0.012), onHead(side * 1.1, 0.1, 0.018), [side * 0.165, HEAD.centre - 0.09, 0.075], [side * 0.15, HEAD.centre - 0.16, 0.085]];
    mesh(side === 1 ? 'SideLockLeft' : 'SideLockRight', head, [0, 0, 0], tube(points, (t) => 0.036 * (1 - t * 0.7), { flat: 0.4, flatAxis: radial, segments: 12, radial: 6 }), m.hair);
  }
  // the glossy ring of anime hair, across the crown
  const ring = [-0.9, -0.45, 0, 0.45, 0.9].map((az) => onHead(az * 0.8, 1.0 - Math.abs(az) * 0.1, 0.024));
  mesh('HairShine', head, [0, 0, 0], tube(ring, (t) => 0.0075 * Math.sin(Math.PI * t) ** 0.6 + 0.001, { flat: 0.25, flatAxis: radial, segments: 20, radial: 6 }), m.hairShine);
  mesh('Ahoge', head, [0, 0, 0], tube([onHead(0.1, 1.45, 0), [0.03, HEAD.centre + 0.23, 0.03], [0.07, HEAD.centre + 0.25, 0.06], [0.06, HEAD.centre + 0.22, 0.08]], (t) => 0.012 * (1 - t) + 0.002, { segments: 10, radial: 6 }), m.hair);
}

function ears(head, m) {
  for (const side of [1, -1]) {
    const [x, y, z] = onHead(side * 0.62, 0.95, -0.01);
    const ear = node(side === 1 ? 'EarLeft' : 'EarRight', head, [x, y, z]);
    ear.rotation.set(-0.12, side * 0.35, -side * 0.42);
    mesh('Outer', ear, [0, 0.045, 0], once('ear', () => new THREE.ConeGeometry(0.062, 0.12, 16)), m.hair, { scale: [1, 1, 0.42] });
    mesh('Inner', ear, [0, 0.04, 0.014], once('earInner', () => new THREE.ConeGeometry(0.038, 0.085, 12)), m.earInner, { scale: [1, 1, 0.3] });
  }
}

function headMeshes(head, m) {
  mesh('HeadSkin', head, [0, HEAD.centre, 0], new THREE.SphereGeometry(HEAD.radius, 32, 20), m.skin, { scale: [HEAD.sx, HEAD.sy, 1] });
  hair(head, m);
  ears(head, m);
  const [x, y, z] = onHead(-0.72, 0.62, 0.02);
  bow('HairBow', head, [x, y, z], m, [-0.3, -0.7, 0.35], 0.8);
  for (const part of buildFace(m, faceSurface)) head.add(part);
}

/** One geometry per shape for both sides: the exporter writes a shared geometry once. */
const shared = new Map();
function once(key, make) {
  if (!shared.has(key)) shared.set(key, make());
  return shared.get(key);
}

/** Arm along ±X in the T-pose: puffy sleeve, forearm, hand. */
function arm(chest, side, m) {
  const s = side === 1 ? 'left' : 'right';
  const shoulder = node(`${s}Shoulder`, chest, [side * 0.03, 0.055, 0]);
  const upper = node(`${s}UpperArm`, shoulder, [side * 0.065, 0, 0]);
  const lower = node(`${s}LowerArm`, upper, [side * 0.12, 0, 0]);
  const hand = node(`${s}Hand`, lower, [side * 0.11, 0, 0]);
  mesh(`${s}Sleeve`, upper, [side * 0.035, 0, 0], once('sleeve', () => new THREE.SphereGeometry(0.045, 16, 10)), m.dress, { scale: [1.25, 1, 1] });
  mesh(`${s}UpperArmSkin`, upper, [side * 0.07, 0, 0], once('upperArm', () => new THREE.CapsuleGeometry(0.026, 0.08, 3, 10)), m.skin, { rotation: [0, 0, Math.PI / 2] });
  mesh(`${s}Cuff`, lower, [side * 0.075, 0, 0], once('cuff', () => new THREE.TorusGeometry(0.026, 0.009, 6, 14)), m.white, { rotation: [0, Math.PI / 2, 0] });
  mesh(`${s}LowerArmSkin`, lower, [side * 0.045, 0, 0], once('lowerArm', () => new THREE.CapsuleGeometry(0.024, 0.08, 3, 10)), m.skin, { rotation: [0, 0, Math.PI / 2] });
  mesh(`${s}HandSkin`, hand, [side * 0.022, 0, 0], once('hand', () => new THREE.SphereGeometry(0.03, 12, 8)), m.skin, { scale: [1.1, 0.9, 0.8] });
}

function leg(hips, side, m) {
  const s = side === 1 ? 'left' : 'right';
  const upper = node(`${s}UpperLeg`, hips, [side * 0.06, -0.04, 0]);
  const lower = node(`${s}LowerLeg`, upper, [0, -0.19, 0]);
  const foot = node(`${s}Foot`, lower, [0, -0.19, 0]);
  mesh(`${s}Thigh`, upper, [0, -0.09, 0], once('thigh', () => new THREE.CapsuleGeometry(0.038, 0.12, 3, 10)), m.stocking);
  mesh(`${s}Shin`, lower, [0, -0.09, 0], once('shin', () => new THREE.CapsuleGeometry(0.033, 0.13, 3, 10)), m.stocking);
  mesh(`${s}Shoe`, foot, [0, -0.015, 0.025], once('shoe', () => new THREE.SphereGeometry(0.045, 14, 10)), m.shoe, { scale: [0.85, 0.6, 1.35] });
  mesh(`${s}Strap`, foot, [0, 0.006, 0.02], once('strap', () => new THREE.TorusGeometry(0.034, 0.006, 5, 14)), m.accent, { rotation: [Math.PI / 2, 0, 0] });
}

/** A surface of revolution; the profile runs top to bottom (reversed here so that faces point outwards). */
function lathe(profile, segments = 36) {
  return new THREE.LatheGeometry(profile.map(([r, y]) => new THREE.Vector2(r, y)).reverse(), segments);
}

/** A ribbon bow: two loops, two tails, a knot. */
function bow(name, parent, position, m, rotation = [0, 0, 0], size = 1) {
  const b = node(name, parent, position);
  b.rotation.set(...rotation);
  b.scale.setScalar(size);
  for (const side of [1, -1]) {
    mesh('Loop', b, [side * 0.03, 0.004, 0], once('loop', () => new THREE.SphereGeometry(0.026, 12, 8)), m.accent, { scale: [1.2, 0.75, 0.45], rotation: [0, 0, side * 0.25] });
    mesh('Tail', b, [side * 0.014, -0.03, -0.002], once('bowTail', () => new THREE.CapsuleGeometry(0.009, 0.035, 2, 8)), m.accent, { rotation: [0, 0, side * 0.35], scale: [1, 1, 0.5] });
  }
  mesh('Knot', b, [0, 0, 0.006], once('knot', () => new THREE.SphereGeometry(0.013, 12, 10)), m.accentDark);
}

function torso(hips, chest, m) {
  // bodice and skirt meet under the sash; lathe profiles are [radius, height] from the bone
  mesh('Bodice', chest, [0, 0, 0], lathe([[0.02, 0.105], [0.055, 0.1], [0.1, 0.07], [0.108, 0.02], [0.095, -0.06], [0.092, -0.13]]), m.dress, { scale: [1, 1, 0.8] });
  mesh('Skirt', hips, [0, 0, 0], lathe([[0.09, 0.1], [0.096, 0.06], [0.15, -0.06], [0.19, -0.14], [0.195, -0.155], [0.17, -0.16], [0.0, -0.16]]), m.dress, { scale: [1, 1, 0.85] });
  mesh('Petticoat', hips, [0, -0.158, 0], new THREE.TorusGeometry(0.172, 0.012, 6, 32), m.white, { rotation: [Math.PI / 2, 0, 0], scale: [1, 0.85, 1] });
  mesh('Sash', hips, [0, 0.09, 0], new THREE.TorusGeometry(0.094, 0.014, 6, 28), m.accent, { rotation: [Math.PI / 2, 0, 0], scale: [1, 0.8, 1] });
  mesh('Collar', chest, [0, 0.085, 0.012], lathe([[0.05, 0.02], [0.105, -0.01], [0.1, -0.03], [0.045, 0.0]], 32), m.white, { scale: [1, 1, 0.85] });
  bow('Bow', chest, [0, 0.07, 0.085], m);
  mesh('Neck', chest, [0, 0.12, 0], new THREE.CylinderGeometry(0.03, 0.034, 0.07, 16), m.skin);
}

function tail(hips, m) {
  const base = node('Tail', hips, [0, -0.02, -0.11]);
  const points = [[0, 0, 0], [0.06, -0.05, -0.07], [0.17, -0.04, -0.1], [0.24, 0.06, -0.08], [0.25, 0.17, -0.05], [0.3, 0.23, -0.03]];
  const geometry = tube(points, (t) => 0.018 + 0.006 * Math.sin(Math.PI * t), { segments: 24, radial: 8 });
  mesh('TailFur', base, [0, 0, 0], geometry, m.hair);
  mesh('TailTip', base, [0.3, 0.23, -0.03], new THREE.SphereGeometry(0.021, 12, 8), m.white, { scale: [1.3, 1, 1] });
  mesh('TailRibbon', base, [0.06, -0.05, -0.07], new THREE.TorusGeometry(0.03, 0.008, 8, 16), m.accent, { rotation: [0.3, 1.1, 0] });
}

/** The whole avatar as a scene; node names are the humanoid bone names. */
export function buildAvatar() {
  const m = materials();
  const root = new THREE.Scene();
  root.name = 'NEKO';
  const hips = node('hips', root, [0, 0.48, 0]);
  const spine = node('spine', hips, [0, 0.06, 0]);
  const chest = node('chest', spine, [0, 0.11, 0]);
  const neck = node('neck', chest, [0, 0.11, 0]);
  const head = node('head', neck, [0, 0.04, 0]);
  torso(hips, chest, m);
  headMeshes(head, m);
  for (const side of [1, -1]) {
    arm(chest, side, m);
    leg(hips, side, m);
  }
  tail(hips, m);
  return { scene: root, head, headHeight: HEAD.centre };
}
