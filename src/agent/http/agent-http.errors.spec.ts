import { WireException } from '../../shared/http/wire.exception';
import { TaskDroppedError } from '../pipeline/task-runner.types';
import { TaskRegistryError } from '../tasks/task-registry.types';
import { httpErrorOf, orHttpError } from './agent-http.errors';

const answerOf = (err: Error): { status: number; body: unknown } => {
  if (!(err instanceof WireException)) throw new Error('not an HTTP answer');
  return { status: err.getStatus(), body: err.body };
};

describe('httpErrorOf', () => {
  it('maps registry codes to 404 / 409 / 400 and a full queue to 503, with the real message', () => {
    expect(answerOf(httpErrorOf(new TaskRegistryError('TASK_NOT_FOUND', 'task t1 not found')))).toEqual({ status: 404, body: { detail: 'task t1 not found' } });
    expect(answerOf(httpErrorOf(new TaskRegistryError('TASK_ILLEGAL_TRANSITION', 'completed → running')))).toEqual({ status: 409, body: { detail: 'completed → running' } });
    expect(answerOf(httpErrorOf(new TaskRegistryError('TASK_INVALID_INPUT', 'duplicate')))).toEqual({ status: 400, body: { detail: 'duplicate' } });
    const full = new TaskRegistryError('TASK_INVALID_INPUT', 'too many queued browser_use tasks (limit 50)');
    expect(answerOf(httpErrorOf(full))).toEqual({ status: 503, body: { detail: 'too many queued browser_use tasks (limit 50)' } });
    expect(answerOf(httpErrorOf(full, (error) => ({ success: false, error })))).toEqual({ status: 503, body: { success: false, error: 'too many queued browser_use tasks (limit 50)' } });
  });

  it('answers a submission dropped by end_all / shutdown with 503 (valid request, agent switching off)', () => {
    const dropped = new TaskDroppedError('all tasks were ended meanwhile');
    expect(answerOf(httpErrorOf(dropped))).toEqual({ status: 503, body: { detail: 'task not queued: all tasks were ended meanwhile' } });
    expect(answerOf(httpErrorOf(dropped, (error) => ({ success: false, error })))).toEqual({ status: 503, body: { success: false, error: 'task not queued: all tasks were ended meanwhile' } });
  });

  it('leaves other errors as they are (the errors filter answers 500)', async () => {
    const boom = new Error('boom');
    expect(httpErrorOf(boom)).toBe(boom);
    expect(httpErrorOf('text')).toEqual(new Error('text'));
    await expect(orHttpError(Promise.reject(boom))).rejects.toBe(boom);
    await expect(orHttpError(Promise.resolve(3))).resolves.toBe(3);
    await expect(orHttpError(Promise.reject(new TaskRegistryError('TASK_NOT_FOUND', 'gone')))).rejects.toBeInstanceOf(WireException);
  });
});
