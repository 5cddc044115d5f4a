import { traceUnlessTelemetry } from './untraced';

describe('traceUnlessTelemetry', () => {
  const traced = jest.fn(() => Promise.resolve('traced'));
  beforeEach(() => traced.mockClear());

  it("hands back the callback's own promise, with no wrapper around it", async () => {
    const own = Promise.resolve(7);
    const result = traceUnlessTelemetry(undefined, traced, () => own);
    expect(result).toBe(own);
    await expect(result).resolves.toBe(7);
    expect(traced).not.toHaveBeenCalled();
  });

  it('turns a plain value into a promise and a synchronous throw into a rejection, as an async function would', async () => {
    await expect(traceUnlessTelemetry(undefined, traced, () => 'sync')).resolves.toBe('sync');
    const failing = traceUnlessTelemetry(undefined, traced, () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
  });

  it("leaves the call to BullMQ's tracing when telemetry is configured", async () => {
    const callback = jest.fn();
    await expect(traceUnlessTelemetry({ tracer: {} }, traced, callback)).resolves.toBe('traced');
    expect(traced).toHaveBeenCalledTimes(1);
    expect(callback).not.toHaveBeenCalled();
  });
});
