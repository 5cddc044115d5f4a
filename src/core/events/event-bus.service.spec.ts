import { withCorrelationId } from '../correlation/correlation';
import { EventBus, VxEvent } from './event-bus.service';

describe('EventBus', () => {
  it('hands an emitted event to every listener at once', () => {
    const bus = new EventBus();
    const seen: VxEvent[] = [];
    bus.subscribe((e) => void seen.push(e));
    const event = bus.emit('x.happened', 'test', { n: 1 });
    expect(seen).toEqual([event]);
  });

  it('publishes an event emitted after this turn once the turn is over, as made when emitted', async () => {
    const bus = new EventBus();
    const seen: VxEvent[] = [];
    bus.subscribe((e) => void seen.push(e));
    const event = withCorrelationId('corr-7', () =>
      bus.emitAfterThisTurn('chat.completed', 'test', { n: 2 }, 'warning'),
    );
    expect(seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([event]);
    expect(event).toMatchObject({
      type: 'chat.completed',
      source: 'test',
      severity: 'warning',
      correlation_id: 'corr-7',
      payload: { n: 2 },
    });
  });
});
