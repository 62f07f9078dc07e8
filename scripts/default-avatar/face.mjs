// The face of the default avatar: flat 2D shapes (eyes, brows, mouth, blush) drawn on the front of
// the head ellipsoid, each with named morph targets. Every shape is defined in face-plane
// coordinates (metres, x right, y up, centre of the head at 0,0); a morph is a function that moves
// a 2D point, and both the shape and its morphed copy are projected onto the head surface.
import * as THREE from 'three';

/** Vertices of an ellipse fan: centre first, then the rim. */
function ellipse(cx, cy, rx, ry, segments = 20) {
  const points = [[cx, cy]];
  const unit = [[0, 0]];
  for (let i = 0; i < segments; i++) {
    const a = (i / segments) * Math.PI * 2;
    points.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
    unit.push([Math.cos(a), Math.sin(a)]);
  }
  const index = [];
  for (let i = 1; i <= segments; i++) index.push(0, i, (i % segments) + 1);
  return { points, index, unit };
}

/** A strip of quads between pairs [inner, outer] of points (lash lines, mouth line, brows). */
function strip(pairs) {
  const points = pairs.flat();
  const index = [];
  for (let i = 0; i < pairs.length - 1; i++) {
    const a = i * 2;
    index.push(a, a + 1, a + 2, a + 1, a + 3, a + 2);
  }
  return { points, index };
}

/** A band along y = centre(x) from x0 to x1, `thick(t)` wide above the line. */
function band(x0, x1, centre, thick, steps = 14) {
  const pairs = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const x = x0 + (x1 - x0) * t;
    pairs.push([[x, centre(x)], [x, centre(x) + thick(t)]]);
  }
  return strip(pairs);
}

const EYE = { x: 0.062, y: -0.028, w: 0.036, h: 0.043 };
const MOUTH = { x: 0, y: -0.086, w: 0.024 };

/**
 * Maps a point of an eye (side +1 = the avatar's left, at +x) onto a curve through the eye: closed
 * and happy eyes. Lash vertices keep `keepFraction` of their height above the line, so it stays drawn.
 */
function toCurve(side, curve, keepFraction) {
  return ([x], meta) => {
    const cx = side * EYE.x;
    const d = Math.max(-1, Math.min(1, (x - cx) / EYE.w));
    const base = curve(d);
    return [x, base + (meta.lash ? meta.lift * keepFraction : 0)];
  };
}

function eyeMorphs(side) {
  const closedLine = (d) => EYE.y - EYE.h * 0.45 - EYE.h * 0.12 * (1 - d * d);
  const happyArch = (d) => EYE.y - EYE.h * 0.25 + EYE.h * 0.42 * (1 - Math.abs(d) ** 1.4);
  const scaleAround = (sx, sy, dy = 0) => ([x, y]) => [side * EYE.x + (x - side * EYE.x) * sx, EYE.y + (y - EYE.y) * sy + dy];
  // lowered (and tilted) upper lids: nothing stays above the lid line, which never drops below the eye
  const lid = (fraction, tilt) => ([x, y], meta) => {
    const d = Math.max(-1, Math.min(1, (x - side * EYE.x) / EYE.w));
    const floor = EYE.y - EYE.h * Math.sqrt(1 - d * d) * 0.9;
    const top = Math.max(floor, EYE.y + EYE.h * (1 - 2 * fraction) + tilt * (x - side * EYE.x) * side);
    return [x, Math.min(y, top + (meta.lash ? meta.lift : 0))];
  };
  const [own, other] = side === 1 ? ['Left', 'Right'] : ['Right', 'Left'];
  return {
    [`blink${own}`]: toCurve(side, closedLine, 0.8),
    [`blink${other}`]: (p) => p,
    happy: toCurve(side, happyArch, 0.9),
    relaxed: lid(0.42, 0),
    sad: lid(0.26, -0.75),
    angry: lid(0.34, 0.85),
    surprised: scaleAround(1.06, 1.12, 0.002),
    lookLeft: ([x, y], meta) => (meta.iris ? [x + 0.012, y] : [x, y]),
    lookRight: ([x, y], meta) => (meta.iris ? [x - 0.012, y] : [x, y]),
    lookUp: ([x, y], meta) => (meta.iris ? [x, y + 0.009] : [x, y]),
    lookDown: ([x, y], meta) => (meta.iris ? [x, y - 0.008] : [x, y]),
  };
}

/** One eye: white, iris (two tones), pupil, two highlights, upper lash line with a flick, lower lash. */
function eyeParts(side) {
  const cx = side * EYE.x;
  const { y, w, h } = EYE;
  const rimY = (d) => y + h * Math.sqrt(Math.max(0, 1 - d * d)) * 0.98;
  const lashThick = (t) => 0.0045 + 0.0045 * Math.sin(Math.PI * Math.min(1, t * 1.15)) + (side === 1 ? t : 1 - t) * 0.003;
  const lash = band(cx - w * 1.08, cx + w * 1.08, (x) => rimY((x - cx) / (w * 1.08)) - 0.002, (t) => lashThick(t));
  const flickX = cx + side * w * 1.02;
  const flick = { points: [[flickX, y + h * 0.35], [flickX + side * 0.014, y + h * 0.62], [flickX - side * 0.004, y + h * 0.72]], index: [0, 1, 2] };
  return [
    { shape: ellipse(cx, y, w, h), material: 'eyeWhite', layer: 1 },
    { shape: ellipse(cx, y - h * 0.08, w * 0.8, h * 0.86), material: 'iris', layer: 2, iris: true },
    { shape: ellipse(cx, y - h * 0.38, w * 0.62, h * 0.4), material: 'irisLight', layer: 3, iris: true },
    { shape: ellipse(cx, y - h * 0.05, w * 0.34, h * 0.4), material: 'pupil', layer: 4, iris: true },
    { shape: ellipse(cx - w * 0.3, y + h * 0.32, w * 0.3, h * 0.24, 16), material: 'shine', layer: 5, iris: true },
    { shape: ellipse(cx + w * 0.28, y - h * 0.42, w * 0.13, h * 0.1, 12), material: 'shine', layer: 5, iris: true },
    { shape: lash, material: 'lash', layer: 6, lash: true },
    { shape: flick, material: 'lash', layer: 6, lash: true },
    // the lower lash: it stays when the lids lower, and vanishes into the line of a closed eye
    { shape: band(cx - w * 0.45, cx + w * 0.45, (x) => y - h * 1.02 - 0.0006 * Math.cos(((x - cx) / w) * 2), () => 0.0024, 6), material: 'lash', layer: 2 },
  ];
}

function browParts(side) {
  const cx = side * EYE.x;
  const y = EYE.y + EYE.h + 0.011;
  return [{ shape: band(cx - 0.024, cx + 0.024, (x) => y - 0.0018 * ((x - cx) / 0.024) ** 2, () => 0.0042, 8), material: 'lash', layer: 1, brow: side }];
}

function browMorphs(side) {
  const cx = side * EYE.x;
  // s = -1 at the inner end of the brow, +1 at the outer end
  const tilt = (k, lift) => ([x, y]) => [x, y + lift - k * ((side * (x - cx)) / 0.024) * 0.005];
  return {
    happy: ([x, y]) => [x, y + 0.004],
    sad: tilt(0.6, 0.002),
    angry: tilt(-0.7, -0.002),
    surprised: ([x, y]) => [x, y + 0.006],
    relaxed: ([x, y]) => [x, y - 0.001],
  };
}

/** The mouth: a cat-like ω line, and an inside (dark, with a tongue) that grows when it opens. */
function mouthParts() {
  const { x: cx, y, w } = MOUTH;
  const omega = (x) => y - 0.0032 * Math.sin(Math.PI * Math.min(1, Math.abs((x - cx) / w)));
  const closed = (shape) => ({ ...shape, points: shape.points.map(([px]) => [px, y]) });
  return [
    { shape: closed(ellipse(cx, y, w, 1, 20)), material: 'mouth', layer: 1, inner: true },
    { shape: closed(ellipse(cx, y, w * 0.55, 1, 14)), material: 'tongue', layer: 2, tongue: true },
    { shape: band(cx - w, cx + w, omega, () => 0.003, 16), material: 'lash', layer: 3, line: true },
  ];
}

/**
 * A mouth shape: the inside opens `open` metres (flat top, round bottom, "D" turned over), `wide`
 * times as wide; the line rides on its top edge, curved up (`curve` > 0, smiling) or down.
 */
function mouthShape(open, wide, curve = 0) {
  const { x: cx, y, w } = MOUTH;
  const bend = (d) => curve * 0.0045 * (d * d - 0.35);
  return ([x, py], meta) => {
    const d = Math.max(-1, Math.min(1, (x - cx) / w));
    if (meta.line) return [cx + (x - cx) * wide, py + open * 0.3 + bend(d)];
    const [u, v] = meta.unit;
    if (meta.tongue) return [cx + u * w * wide * 0.5, y - open * 0.5 + v * open * 0.18];
    return [cx + u * w * wide, y - open * 0.2 + v * open * 0.5 + (v > 0 ? bend(u) : 0)];
  };
}

const MOUTH_MORPHS = {
  aa: mouthShape(0.022, 1.15),
  ih: mouthShape(0.01, 1.35),
  ou: mouthShape(0.014, 0.6),
  ee: mouthShape(0.008, 1.5),
  oh: mouthShape(0.018, 0.85),
  happy: mouthShape(0.012, 1.35, 1.5),
  sad: mouthShape(0.0, 0.85, -4),
  angry: mouthShape(0.005, 1.15, -3),
  surprised: mouthShape(0.016, 0.7),
  relaxed: mouthShape(0.0, 1.15, 0.8),
};

function blushParts() {
  const parts = [];
  for (const side of [1, -1]) {
    const cx = side * (EYE.x + 0.012);
    const cy = EYE.y - EYE.h - 0.014;
    parts.push({ shape: ellipse(cx, cy, 0.022, 0.011, 20), material: 'blush', layer: 1 });
    for (let i = -1; i <= 1; i++) {
      const x = cx + i * 0.009;
      parts.push({ shape: strip([[[x - 0.002, cy - 0.004], [x + 0.0005, cy - 0.004]], [[x + 0.002, cy + 0.004], [x + 0.0045, cy + 0.004]]]), material: 'blushLine', layer: 2 });
    }
  }
  return parts;
}

const BLUSH_MORPHS = {
  happy: ([x, y]) => [x * 1.03, y + 0.002],
};

/**
 * Builds one mesh from parts: a group per material, morph targets in `names` order. `surface(x, y,
 * layer)` projects a face-plane point onto the head (a little in front of it for higher layers).
 */
function faceMesh(name, parts, morphs, names, materials, surface) {
  const byMaterial = new Map();
  for (const part of parts) {
    if (!byMaterial.has(part.material)) byMaterial.set(part.material, []);
    byMaterial.get(part.material).push(part);
  }
  const position = [];
  const morphPositions = names.map(() => []);
  const index = [];
  const geometry = new THREE.BufferGeometry();
  const mats = [];
  for (const [material, list] of byMaterial) {
    const start = index.length;
    for (const part of list) {
      const base = position.length / 3;
      const { points } = part.shape;
      points.forEach((p, i) => {
        // strips list [inner, outer] pairs: an outer vertex keeps its height above the inner one
        const lift = part.lash && points.length % 2 === 0 && i % 2 === 1 ? p[1] - points[i - 1][1] : 0;
        const meta = { ...part, lift, unit: part.shape.unit?.[i] ?? [0, 0] };
        const [bx, by, bz] = surface(p[0], p[1], part.layer);
        position.push(bx, by, bz);
        names.forEach((morph, m) => {
          const fn = morphs(part)[morph];
          const [mx, my] = fn ? fn(p, meta) : p;
          const [x2, y2, z2] = surface(mx, my, part.layer);
          morphPositions[m].push(x2 - bx, y2 - by, z2 - bz);
        });
      });
      for (const i of part.shape.index) index.push(base + i);
    }
    geometry.addGroup(start, index.length - start, mats.length);
    mats.push(materials[material]);
  }
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(position, 3));
  geometry.setIndex(index); // flat unlit decals: no normals needed
  geometry.morphTargetsRelative = true; // the morphs hold offsets (as glTF stores them)
  geometry.morphAttributes.position = morphPositions.map((p) => new THREE.Float32BufferAttribute(p, 3));
  const mesh = new THREE.Mesh(geometry, mats);
  mesh.name = name;
  mesh.updateMorphTargets();
  mesh.morphTargetDictionary = Object.fromEntries(names.map((n, i) => [n, i]));
  return mesh;
}

export const EYE_MORPHS = ['blinkLeft', 'blinkRight', 'happy', 'relaxed', 'sad', 'angry', 'surprised', 'lookLeft', 'lookRight', 'lookUp', 'lookDown'];
export const MOUTH_MORPH_NAMES = Object.keys(MOUTH_MORPHS);
export const BROW_MORPHS = ['happy', 'sad', 'angry', 'surprised', 'relaxed'];
export const BLUSH_MORPH_NAMES = Object.keys(BLUSH_MORPHS);

/** The four face meshes (named Eyes, Brows, Mouth, Blush), ready to add to the head bone. */
export function buildFace(materials, surface) {
  const eyes = [...eyeParts(1).map((p) => ({ ...p, side: 1 })), ...eyeParts(-1).map((p) => ({ ...p, side: -1 }))];
  const brows = [...browParts(1), ...browParts(-1)];
  return [
    faceMesh('Eyes', eyes, (part) => eyeMorphs(part.side), EYE_MORPHS, materials, surface),
    faceMesh('Brows', brows, (part) => browMorphs(part.brow), BROW_MORPHS, materials, surface),
    faceMesh('Mouth', mouthParts(), () => MOUTH_MORPHS, MOUTH_MORPH_NAMES, materials, surface),
    faceMesh('Blush', blushParts(), () => BLUSH_MORPHS, BLUSH_MORPH_NAMES, materials, surface),
  ];
}
