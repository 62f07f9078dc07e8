import { UnprocessableEntityException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: readonly ValidationError[], path: string[] = []): Array<{ loc: string[]; msg: string }> {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((msg) => ({ loc: [...path, e.property], msg })),
    ...flatten(e.children ?? [], [...path, e.property]),
  ]);
}

/**
 * DTO validation for our JSON APIs; failures answer 422 `{"detail": [{loc, msg}]}` like FastAPI.
 * `forbidUnknown: false` drops unknown keys silently (FastAPI ignores extra query parameters).
 */
export function createValidationPipe(options: { forbidUnknown?: boolean } = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknown ?? true,
    transform: true,
    exceptionFactory: (errors) => new UnprocessableEntityException({ detail: flatten(errors) }),
  });
}
