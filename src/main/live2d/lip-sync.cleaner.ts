import { isPlainObject } from '../../shared/data/json-edit';
import { readModelJson, writeModelJson } from './model-json.store';
import { listFilesRecursive } from './model-tree.walker';
import { join } from 'node:path';

/** Official Cubism mouth/lip-sync parameter ids whose motion curves are cleared on upload (spec §3.3). */
export const LIP_SYNC_WHITELIST: ReadonlySet<string> = new Set([
  'ParamA', 'ParamI', 'ParamU', 'ParamE', 'ParamO',
  'ParamMouthUp', 'ParamMouthDown', 'ParamMouthOpen', 'ParamMouthOpenY',
  'ParamMouthForm', 'ParamMouthX', 'ParamMouthY', 'ParamMouthSmile', 'ParamMouthPucker',
  'ParamMouthStretch', 'ParamMouthShrug', 'ParamMouthLeft', 'ParamMouthRight',
  'ParamMouthCornerUpLeft', 'ParamMouthCornerUpRight', 'ParamMouthCornerDownLeft', 'ParamMouthCornerDownRight',
  'ParamLipA', 'ParamLipI', 'ParamLipU', 'ParamLipE', 'ParamLipO', 'ParamLipThickness',
  'ParamJawOpen', 'ParamJawForward', 'ParamJawLeft', 'ParamJawRight',
  'ParamMouthAngry', 'ParamMouthAngryLine',
]);

/** Ids of the model3.json `Groups` entries with Name "LipSync" and Target "Parameter". */
export function declaredLipSyncIds(model3: unknown): string[] {
  const groups = isPlainObject(model3) && Array.isArray(model3.Groups) ? model3.Groups : [];
  const ids: string[] = [];
  for (const g of groups) {
    if (!isPlainObject(g) || g.Name !== 'LipSync' || g.Target !== 'Parameter' || !Array.isArray(g.Ids)) continue;
    for (const id of g.Ids) if (typeof id === 'string' && id !== '') ids.push(id);
  }
  return ids;
}

/** Clears (in place) the Segments of every curve whose Id is in `ids`; true when something changed. */
export function clearLipSyncCurves(motion: unknown, ids: ReadonlySet<string>): boolean {
  if (!isPlainObject(motion) || !Array.isArray(motion.Curves)) return false;
  let modified = false;
  for (const curve of motion.Curves) {
    if (!isPlainObject(curve) || typeof curve.Id !== 'string' || !ids.has(curve.Id)) continue;
    if (Array.isArray(curve.Segments) ? curve.Segments.length > 0 : Boolean(curve.Segments)) {
      curve.Segments = [];
      modified = true;
    }
  }
  return modified;
}

/**
 * Post-processing of an uploaded model: lip-sync curves of every *.motion3.json are emptied so the
 * server-driven mouth movement is not fought by the motions. Files that do not parse are left as
 * they are; the changed ones are rewritten with indent 4. Returns the files changed.
 */
export async function clearModelLipSync(modelDir: string, model3Path: string | undefined): Promise<string[]> {
  const ids = new Set(LIP_SYNC_WHITELIST);
  if (model3Path !== undefined) {
    const model3 = await readModelJson(model3Path).catch(() => undefined);
    for (const id of declaredLipSyncIds(model3)) ids.add(id);
  }
  const changed: string[] = [];
  for (const rel of await listFilesRecursive(modelDir, ['.motion3.json'])) {
    const path = join(modelDir, rel);
    const motion = await readModelJson(path).catch(() => undefined);
    if (motion === undefined || !clearLipSyncCurves(motion, ids)) continue;
    try {
      await writeModelJson(path, motion, 4);
      changed.push(rel);
    } catch {
      // A motion that cannot be rewritten does not fail the upload (as in the original).
    }
  }
  return changed;
}
