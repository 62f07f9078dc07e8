// Turns the glTF binary GLTFExporter writes into a VRM 1.0 file: VRMC_vrm (meta, humanoid,
// expressions, lookAt) and VRMC_materials_mtoon (toon shading with outlines) added to its JSON chunk.
import * as THREE from 'three';
import { BLUSH_MORPH_NAMES, BROW_MORPHS, EYE_MORPHS, MOUTH_MORPH_NAMES } from './face.mjs';
import { OUTLINE, PALETTE } from './body.mjs';
import { quantizeNormals, readGlb, writeGlb } from './glb.mjs';

export const HUMAN_BONES = ['hips', 'spine', 'chest', 'neck', 'head'];
for (const side of ['left', 'right']) for (const bone of ['Shoulder', 'UpperArm', 'LowerArm', 'Hand', 'UpperLeg', 'LowerLeg', 'Foot']) HUMAN_BONES.push(side + bone);

const linear = (hex) => new THREE.Color(hex).toArray();

function mtoon(entry) {
  return {
    specVersion: '1.0',
    shadeColorFactor: linear(entry.shade),
    shadingToonyFactor: 0.88,
    shadingShiftFactor: -0.1,
    giEqualizationFactor: 0.9,
    parametricRimColorFactor: linear(0x3a2030),
    parametricRimFresnelPowerFactor: 3,
    parametricRimLiftFactor: 0,
    rimLightingMixFactor: 1,
    outlineWidthMode: entry.outline ? 'worldCoordinates' : 'none',
    outlineWidthFactor: entry.outline ?? 0,
    outlineColorFactor: linear(OUTLINE),
    outlineLightingMixFactor: 0.5,
  };
}

function expressions(nodeIndex) {
  const bind = (mesh, names, morph) => (names.includes(morph) ? [{ node: nodeIndex(mesh), index: names.indexOf(morph), weight: 1 }] : []);
  const face = (morph) => [...bind('Eyes', EYE_MORPHS, morph), ...bind('Brows', BROW_MORPHS, morph), ...bind('Mouth', MOUTH_MORPH_NAMES, morph), ...bind('Blush', BLUSH_MORPH_NAMES, morph)];
  const preset = {};
  for (const viseme of ['aa', 'ih', 'ou', 'ee', 'oh']) preset[viseme] = { morphTargetBinds: bind('Mouth', MOUTH_MORPH_NAMES, viseme) };
  preset.blinkLeft = { morphTargetBinds: bind('Eyes', EYE_MORPHS, 'blinkLeft') };
  preset.blinkRight = { morphTargetBinds: bind('Eyes', EYE_MORPHS, 'blinkRight') };
  preset.blink = { morphTargetBinds: [...preset.blinkLeft.morphTargetBinds, ...preset.blinkRight.morphTargetBinds] };
  // closed or half-closed eyes must not blink again on top; a gaping mouth leaves no room to speak
  preset.happy = { morphTargetBinds: face('happy'), overrideBlink: 'block', overrideLookAt: 'block' };
  preset.relaxed = { morphTargetBinds: face('relaxed'), overrideBlink: 'blend' };
  preset.sad = { morphTargetBinds: face('sad'), overrideBlink: 'blend' };
  preset.angry = { morphTargetBinds: face('angry'), overrideBlink: 'blend' };
  preset.surprised = { morphTargetBinds: face('surprised'), overrideBlink: 'block', overrideMouth: 'blend' };
  for (const look of ['lookLeft', 'lookRight', 'lookUp', 'lookDown']) preset[look] = { morphTargetBinds: bind('Eyes', EYE_MORPHS, look) };
  preset.neutral = { morphTargetBinds: [] };
  for (const e of Object.values(preset)) e.isBinary = false;
  return { preset };
}

/** Adds the VRM extensions; `eyeHeight` is the eyes' height above the head bone. */
export function toVrm(glb, { eyeHeight }) {
  const { json, bin } = readGlb(glb);
  const nodeIndex = (name) => {
    const i = json.nodes.findIndex((n) => n.name === name);
    if (i < 0) throw new Error(`the avatar has no node ${name}`);
    return i;
  };
  for (const material of json.materials ?? []) {
    const entry = PALETTE[material.name];
    if (!entry || entry.unlit) continue;
    material.extensions = { ...material.extensions, VRMC_materials_mtoon: mtoon(entry) };
  }
  const range = (degrees) => ({ inputMaxValue: degrees, outputScale: 1 });
  json.extensionsUsed = [...new Set([...(json.extensionsUsed ?? []), 'VRMC_vrm', 'VRMC_materials_mtoon'])];
  json.extensions = {
    ...json.extensions,
    VRMC_vrm: {
      specVersion: '1.0',
      meta: {
        name: 'N.E.K.O.',
        version: '1.0',
        authors: ['N.E.K.O.-TS'],
        copyrightInformation: 'Made by the N.E.K.O.-TS project, dedicated to the public domain (CC0 1.0).',
        licenseUrl: 'https://vrm.dev/licenses/1.0/',
        otherLicenseUrl: 'https://creativecommons.org/publicdomain/zero/1.0/',
        avatarPermission: 'everyone',
        allowExcessivelyViolentUsage: false,
        allowExcessivelySexualUsage: false,
        commercialUsage: 'corporation',
        allowPoliticalOrReligiousUsage: false,
        allowAntisocialOrHateUsage: false,
        creditNotation: 'unnecessary',
        allowRedistribution: true,
        modification: 'allowModificationRedistribution',
      },
      humanoid: { humanBones: Object.fromEntries(HUMAN_BONES.map((b) => [b, { node: nodeIndex(b) }])) },
      expressions: expressions(nodeIndex),
      lookAt: {
        type: 'expression',
        offsetFromHeadBone: [0, eyeHeight, 0.1],
        rangeMapHorizontalInner: range(25),
        rangeMapHorizontalOuter: range(25),
        rangeMapVerticalDown: range(20),
        rangeMapVerticalUp: range(20),
      },
    },
  };
  json.asset = { ...json.asset, generator: 'N.E.K.O.-TS default avatar (scripts/default-avatar)' };
  return writeGlb(json, quantizeNormals(json, bin));
}
