import { Injectable, type PipeTransform } from '@nestjs/common';
import { WireException } from './wire.exception';

/**
 * FastAPI's request-body errors (pydantic v2 wording), for servers whose clients read them:
 * a body that is not a JSON object, a missing body and a body that is not JSON at all.
 */
export type FastApiBodyError = { detail: Array<Record<string, unknown>> };

/** `payload: dict = Body(...)` given something else (array, string, number). */
export function notADictBody(): FastApiBodyError {
  return { detail: [{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary' }] };
}

/** A required body that is absent (FastAPI reads an empty body as no body). */
export function missingBody(): FastApiBodyError {
  return { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
}

/** A body sent as JSON that does not parse; `position` is the character offset of the error. */
export function jsonInvalidBody(position: number, error: string): FastApiBodyError {
  return { detail: [{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error } }] };
}

export type JsonBodyMode = 'required' | 'optional' | 'lenient';

/**
 * FastAPI's `payload: dict = Body(...)`: the body must be a JSON object, else 422 with FastAPI's
 * detail list. `optional`: no body counts as `{}`; `lenient`: anything that is not an object counts
 * as `{}` (routes that always answer 200). Fields are read by the handlers themselves.
 */
@Injectable()
export class JsonObjectBodyPipe implements PipeTransform<unknown, Record<string, unknown>> {
  constructor(private readonly mode: JsonBodyMode = 'required') {}

  transform(value: unknown): Record<string, unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (isObject) return value as Record<string, unknown>;
    if (this.mode === 'lenient') return {};
    if (value === undefined || value === null || value === '') {
      if (this.mode === 'optional') return {};
      throw new WireException(422, missingBody());
    }
    throw new WireException(422, notADictBody());
  }
}
