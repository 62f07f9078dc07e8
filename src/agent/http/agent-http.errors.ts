import { WireException } from '../../shared/http/wire.exception';
import { TaskDroppedError } from '../pipeline/task-runner.types';
import { TaskRegistryError } from '../tasks/task-registry.types';

/** Registry/runner refusals that mean "full" rather than "wrong input" (queue or active-task limits). */
const FULL = /^too many /;

/**
 * The HTTP answer of a TaskRegistryError, FastAPI-shaped `{"detail": message}`: unknown task 404,
 * illegal transition 409, a full queue 503 (try later), other invalid input 400. A submission the runner
 * dropped (TaskDroppedError: end_all, analyzer off or shutdown came first) is 503 too: the request was
 * valid, the agent was switching off. Anything else is returned as it is (500 from the errors filter).
 * `shape` builds the body of routes with their own shape.
 */
export function httpErrorOf(err: unknown, shape: (message: string) => unknown = (detail) => ({ detail })): Error {
  if (!(err instanceof TaskRegistryError)) return err instanceof Error ? err : new Error(String(err));
  if (err instanceof TaskDroppedError) return new WireException(503, shape(err.message));
  const status = err.code === 'TASK_NOT_FOUND' ? 404 : err.code === 'TASK_ILLEGAL_TRANSITION' ? 409 : FULL.test(err.message) ? 503 : 400;
  return new WireException(status, shape(err.message));
}

/** Awaits `work`, turning a TaskRegistryError into its HTTP answer (body built by `shape`). */
export async function orHttpError<T>(work: Promise<T>, shape?: (message: string) => unknown): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw httpErrorOf(err, shape);
  }
}
