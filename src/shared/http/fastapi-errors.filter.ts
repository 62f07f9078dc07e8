import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Error bodies as N.E.K.O.'s FastAPI servers send them, which its clients read:
 * HttpException → `{"detail": "<message>"}` (or a validation list for 422), unknown routes →
 * 404 `{"detail": "Not Found"}`, anything unexpected → 500 plain `Internal Server Error`.
 */
@Catch()
export class FastApiErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      let detail: unknown = typeof body === 'string' ? body : (body as { detail?: unknown; message?: unknown }).detail ?? (body as { message?: unknown }).message;
      if (status === Number(HttpStatus.NOT_FOUND) && typeof detail === 'string' && detail.startsWith('Cannot ')) detail = 'Not Found';
      void reply.status(status).send({ detail: detail ?? exception.message });
      return;
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    void reply.status(500).type('text/plain; charset=utf-8').send('Internal Server Error');
  }
}
