import { Catch, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FastApiErrorsFilter } from '../../shared/http/fastapi-errors.filter';
import { MethodNotAllowedTracker } from './method-not-allowed.tracker';

/** FastAPI's error shapes, plus 405 `{"detail": "Method Not Allowed"}` for a known path with another method. */
@Catch()
export class MainErrorsFilter extends FastApiErrorsFilter {
  constructor(private readonly tracker: MethodNotAllowedTracker) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof NotFoundException && String(exception.message).startsWith('Cannot ')) {
      const req = host.switchToHttp().getRequest<FastifyRequest>();
      if (this.tracker.isWrongMethod(req.method, req.url)) {
        void host.switchToHttp().getResponse<FastifyReply>().status(405).send({ detail: 'Method Not Allowed' });
        return;
      }
    }
    super.catch(exception, host);
  }
}
