import { ValidationPipe, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { WireException } from '../../shared/http/wire.exception';
import { createValidationPipe } from '../../shared/http/validation.pipe';

export interface WireBodyOptions {
  /** Status of a validation failure (the original mostly answers 200 with success false). */
  readonly status?: number;
  /** Error text for a missing or empty body (`{}` counts as empty), e.g. "无效的数据". */
  readonly empty?: string;
  /** Builds the failure body from the message; default `{"success": false, "error": message}`. */
  readonly shape?: (message: string) => unknown;
}

function firstMessage(errors: readonly ValidationError[]): string | undefined {
  for (const e of errors) {
    const own = Object.values(e.constraints ?? {})[0];
    if (own !== undefined) return own;
    const child = firstMessage(e.children ?? []);
    if (child !== undefined) return child;
  }
  return undefined;
}

/**
 * Validates a JSON body against a DTO class and answers failures in the original server's shape:
 * the first failing constraint's `message` (set to the original's literal text in the DTO) becomes
 * the `error`. Unknown keys are kept: several bodies are free-form (character profiles).
 */
export class WireBodyPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(
    private readonly dto: Type<T>,
    private readonly options: WireBodyOptions = {},
  ) {}

  private fail(message: string): never {
    const shape = this.options.shape ?? ((error: string) => ({ success: false, error }));
    throw new WireException(this.options.status ?? 200, shape(message));
  }

  transform(value: unknown): T {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (this.options.empty !== undefined && (!isObject || Object.keys(value).length === 0)) this.fail(this.options.empty);
    if (!isObject) this.fail('请求体必须是JSON对象');
    const instance = plainToInstance(this.dto, value, { exposeDefaultValues: true });
    const message = firstMessage(validateSync(instance, { forbidUnknownValues: false, validationError: { target: false } }));
    if (message !== undefined) this.fail(message);
    return instance;
  }
}

/** Shorthand for `@Body(wireBody(Dto, {...}))`. */
export const wireBody = <T extends object>(dto: Type<T>, options?: WireBodyOptions): WireBodyPipe<T> => new WireBodyPipe(dto, options);

/**
 * main's global pipe: queries and path parameters are validated like FastAPI (422 with a
 * `detail` list); bodies are left to each route's WireBodyPipe, which knows the original's words.
 */
export class QueryValidationPipe implements PipeTransform {
  // Extra query keys (cache busters …) are ignored, as FastAPI does.
  private readonly inner: ValidationPipe = createValidationPipe({ forbidUnknown: false });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' || metadata.type === 'custom') return value;
    return this.inner.transform(value, metadata);
  }
}
