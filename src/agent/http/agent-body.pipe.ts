import { Injectable, type PipeTransform } from '@nestjs/common';
import { WireException } from '../../shared/http/wire.exception';

/**
 * FastAPI's `payload: dict = Body(...)`: the body must be a JSON object, else 422 with FastAPI's detail
 * list. Fields are read by the handlers themselves (unknown fields are ignored, only real booleans count).
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform<unknown, Record<string, unknown>> {
  constructor(private readonly optional = false) {}

  transform(value: unknown): Record<string, unknown> {
    if (value === undefined || value === null || value === '') {
      if (this.optional) return {};
      throw new WireException(422, { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] });
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new WireException(422, { detail: [{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary' }] });
    }
    return value as Record<string, unknown>;
  }
}

/** A body that may be omitted (POST /agent/flags with no body changes nothing). */
export const optionalJsonObject = new JsonObjectBodyPipe(true);
export const jsonObject = new JsonObjectBodyPipe(false);

/** A non-empty string field, trimmed; undefined otherwise. */
export function textField(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** `lanlan_name` when it is a non-empty string, else null. */
export function lanlanOf(body: Record<string, unknown>): string | null {
  return textField(body, 'lanlan_name') ?? null;
}
