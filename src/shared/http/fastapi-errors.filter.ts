import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { jsonInvalidBody, missingBody } from './fastapi-body.util';
import { WireException } from './wire.exception';

/**
 * Error bodies as N.E.K.O.'s FastAPI servers send them, which its clients read:
 * HttpException → `{"detail": "<message>"}` (or a validation list for 422), unknown routes →
 * 404 `{"detail": "Not Found"}`, anything unexpected → 500 plain `Internal Server Error`;
 * a WireException is sent as it is (the original's own error bodies). A body that is not JSON is
 * FastAPI's 422 `json_invalid` list and an empty JSON body its `missing` one (FastAPI reads an empty
 * body as none), not Fastify's 400.
 */
@Catch()
export class FastApiErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof WireException) {
      void reply.status(exception.getStatus()).type('application/json; charset=utf-8').send(JSON.stringify(exception.body));
      return;
    }
    const parserError = this.bodyParserError(exception);
    if (parserError) {
      void reply.status(422).send(parserError);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      let detail: unknown = typeof body === 'string' ? body : (body as { detail?: unknown; message?: unknown }).detail ?? (body as { message?: unknown }).message;
      if (status === Number(HttpStatus.NOT_FOUND) && typeof detail === 'string' && detail.startsWith('Cannot ')) detail = 'Not Found';
      void reply.status(status).send({ detail: detail ?? exception.message });
      return;
    }
    // Fastify's other request errors (body too large, unsupported media type …).
    const fastify = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
    const message = typeof fastify.message === 'string' ? fastify.message : '';
    if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      void reply.status(fastify.statusCode).send({ detail: message || 'Bad Request' });
      return;
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    void reply.status(500).type('text/plain; charset=utf-8').send('Internal Server Error');
  }

  /** Fastify's JSON parser errors (Nest wraps them in an HttpException with the FastifyError as cause). */
  private bodyParserError(exception: unknown): unknown {
    const cause = exception instanceof HttpException ? exception.cause : exception;
    const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
    // Fastify drops the JSON parser's own message, so the error position is not known: 0.
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY') return jsonInvalidBody(0, typeof message === 'string' ? message : 'invalid JSON');
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return missingBody();
    return undefined;
  }
}
