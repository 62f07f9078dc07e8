import { characterNameProblem } from '../../shared/config/character-name';
import { JsonObjectBodyPipe } from '../../shared/http/fastapi-body.util';

/** FastAPI `payload: dict = Body(...)` (422 list otherwise); the handlers read the fields themselves. */
export const jsonObject = new JsonObjectBodyPipe('required');
/**
 * POST /agent/flags answers 200 whatever it gets (spec §12.2.9): a body that is not an object changes
 * nothing. A body that is not JSON at all is refused by the parser before this pipe (422
 * json_invalid, as FastAPI cannot read it either).
 */
export const lenientJsonObject = new JsonObjectBodyPipe('lenient');

/** A non-empty string field, trimmed; undefined otherwise. */
export function textField(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * `lanlan_name` when it is a usable character name (the shared rule: ≤ 50 code points, no control or
 * path characters), else null: it only addresses main's status pushes and labels tasks.
 */
export function lanlanOf(body: Record<string, unknown>): string | null {
  const name = textField(body, 'lanlan_name');
  return name !== undefined && characterNameProblem(name) === undefined ? name : null;
}
