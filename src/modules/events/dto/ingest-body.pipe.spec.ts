import 'reflect-metadata';
import { createValidationPipe } from '../../../core/errors/validation-pipe';
import { IngestBodyPipe, isAcceptedIngestBody } from './ingest-body.pipe';
import { IngestEventDto } from './ingest-event.dto';

/** The global pipe's verdict on a body as IngestEventDto (what the route used before). */
async function classValidatorVerdict(
  body: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    const value = await createValidationPipe().transform(structuredClone(body), {
      type: 'body',
      metatype: IngestEventDto,
      data: undefined,
    });
    return { ok: true, value: JSON.parse(JSON.stringify(value)) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

const VALUES: Record<string, unknown[]> = {
  type: [
    'switch.tension.updated',
    'a',
    'A-b_c.D-1',
    '',
    '1abc',
    'a..b',
    'a.',
    'x'.repeat(128),
    'x'.repeat(129),
    'é.type',
    7,
    null,
    ['a'],
    {},
  ],
  source: ['monitoring', 'a:b.c-d_e', '', 'x'.repeat(64), 'x'.repeat(65), 'bad source', 3, null],
  severity: ['info', 'critical', 'debug', 'INFO', 'fatal', '', 1, null],
  correlation_id: ['abc-1', 'a.b:c_d-e', 'x'.repeat(128), 'x'.repeat(129), 'a b', 5, null],
  timestamp: [
    '2026-01-02T03:04:05.678Z',
    '2026-01-02T03:04Z',
    '2026-01-02T03:04:05+02:00',
    '2026-01-02T03:04:05+0200',
    '2026-01-02T03:04:05.123456789Z',
    '2026-02-30T03:04:05Z',
    '2026-13-02T03:04:05Z',
    '2026-01-02T25:04:05Z',
    '2026-01-02',
    '2026-01-02T03:04:05',
    '2026-01-02 03:04:05Z',
    'yesterday',
    0,
    null,
  ],
  payload: [
    {},
    { value: 3, components: { a: [1, { b: null }] } },
    { text: 'ünï', list: [[], {}], flag: true },
    { constructor: 1 },
    { toString: 'x' },
    { nested: { hasOwnProperty: 1 } },
    { list: [{ valueOf: 2 }] },
    [],
    [1, 2],
    'payload',
    3,
    null,
  ],
};

const VALID: Record<string, unknown> = {
  type: 'switch.tension.updated',
  source: 'monitoring',
  severity: 'info',
  correlation_id: 'abc-1',
  timestamp: '2026-01-02T03:04:05.678Z',
  payload: { value: 3 },
};

/** Every value of every field in an otherwise valid body, each field left out, and oddities. */
function bodies(): unknown[] {
  const out: unknown[] = [VALID];
  for (const [field, values] of Object.entries(VALUES)) {
    for (const value of values) out.push({ ...VALID, [field]: value });
    const { [field]: _left, ...without } = VALID;
    out.push(without);
  }
  out.push({ type: 'a.b', payload: {} });
  out.push({ ...VALID, extra: 1 });
  out.push({ ...VALID, constructor: 'x' });
  out.push({ type: 'a', payload: {}, source: null, severity: null, correlation_id: null });
  out.push({ type: 'x', payload: {}, timestamp: null });
  out.push({}, [], [VALID], 'text', 42, null, undefined, true);
  out.push(Object.assign(Object.create(null) as object, VALID));
  return out;
}

describe('IngestBodyPipe', () => {
  const cases = bodies();

  it('accepts on its fast path only what class-validator accepts, unchanged', async () => {
    let fast = 0;
    for (const body of cases) {
      if (!isAcceptedIngestBody(body)) continue;
      fast += 1;
      const verdict = await classValidatorVerdict(body);
      expect({ body, ok: verdict.ok }).toEqual({ body, ok: true });
      if (verdict.ok) expect(verdict.value).toEqual(body);
    }
    expect(fast).toBeGreaterThan(30); // the common envelopes do take the fast path
  });

  it('leaves to the full pipe only valid bodies whose payload keys it would rewrite', async () => {
    const slowButValid: unknown[] = [];
    for (const body of cases) {
      if (isAcceptedIngestBody(body)) continue;
      if ((await classValidatorVerdict(body)).ok) slowButValid.push(body);
    }
    expect(slowButValid).toEqual([
      { ...VALID, payload: { constructor: 1 } },
      { ...VALID, payload: { toString: 'x' } },
      { ...VALID, payload: { nested: { hasOwnProperty: 1 } } },
      { ...VALID, payload: { list: [{ valueOf: 2 }] } },
      { ...VALID, constructor: 'x' }, // class-transformer skips it, so the whitelist never sees it
      Object.assign(Object.create(null) as object, VALID),
    ]);
  });

  it('answers every body exactly as the global ValidationPipe did', async () => {
    const pipe = new IngestBodyPipe();
    for (const body of cases) {
      const before = await classValidatorVerdict(body);
      let after: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        const value = await pipe.transform(structuredClone(body));
        after = { ok: true, value: JSON.parse(JSON.stringify(value)) as unknown };
      } catch (error) {
        after = { ok: false, error };
      }
      expect({ body, ok: after.ok }).toEqual({ body, ok: before.ok });
      if (after.ok && before.ok) expect(after.value).toEqual(before.value);
      if (!after.ok && !before.ok) {
        expect(after.error).toBeInstanceOf((before.error as object).constructor);
        expect(JSON.stringify(after.error)).toBe(JSON.stringify(before.error));
        expect((after.error as Error).message).toBe((before.error as Error).message);
      }
    }
  });

  it('refuses with the same messages as before', async () => {
    const pipe = new IngestBodyPipe();
    await expect(pipe.transform({ type: 'bad type', payload: [], extra: 1 })).rejects.toMatchObject(
      {
        message: 'Invalid fields: extra, type, payload',
        details: [
          { field: 'extra', errors: ['property extra should not exist'] },
          { field: 'type', errors: ['type must be dot-separated words, e.g. "system.alert"'] },
          { field: 'payload', errors: ['payload must be an object'] },
        ],
      },
    );
  });
});
