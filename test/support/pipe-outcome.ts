import { ApiError } from '../../src/core/errors/api-error';

/**
 * What a pipe made of a body, comparable across pipes: the value it passed on (as JSON), or
 * the 4xx it refused it with. Anything else it throws is a bug and is rethrown.
 */
export async function pipeOutcome(run: () => unknown): Promise<unknown> {
  try {
    return { passed: JSON.parse(JSON.stringify(await run())) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const { status, code, message, details } = err;
    return { refused: { status, code, message, details } };
  }
}
