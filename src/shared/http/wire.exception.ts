import { HttpException } from '@nestjs/common';

/**
 * An answer in the original server's exact shape and status (e.g. 404 `{"success": false,
 * "error": "猫娘不存在"}`). Thrown by controllers only; the errors filter sends the body verbatim.
 */
export class WireException extends HttpException {
  constructor(
    status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body !== null ? (body) : { body }, status);
  }
}

/** `{"success": false, "error": <message>, ...extra}` with the given status. */
export function wireError(status: number, error: string, extra: Record<string, unknown> = {}): WireException {
  return new WireException(status, { success: false, error, ...extra });
}
