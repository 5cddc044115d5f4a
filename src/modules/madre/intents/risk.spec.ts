import { assessRisk } from './risk';

describe('assessRisk', () => {
  it.each([
    'delete the old backups',
    'drop table events',
    'restore the database',
    'stop switch',
    'kill the run',
    'terminate everything',
    'borra los respaldos',
    'eliminar incidentes',
    'restaurar la base de datos',
    'detén el switch',
    'migrar la base',
  ])('rates "%s" HIGH', (text) => {
    expect(assessRisk([text], []).risk).toBe('HIGH');
  });

  it.each([
    'restart hermes',
    'reboot',
    'cleanup the logs',
    'update the engines',
    'reinicia el switch',
    'limpia los registros',
    'actualizar',
  ])('rates "%s" MED', (text) => {
    expect(assessRisk([text], []).risk).toBe('MED');
  });

  it.each([
    'status',
    'hola, ¿qué tal?',
    'open a window for switch',
    'terminal output',
    'para mañana',
  ])('rates "%s" LOW', (text) => {
    expect(assessRisk([text], ['SYSTEM_HEALTHCHECK']).risk).toBe('LOW');
  });

  it('rates a step that runs a program MED at least', () => {
    expect(assessRisk([null], ['OPEN_WINDOW', 'SPAWNER_REQUEST'])).toEqual({
      risk: 'MED',
      reasons: ['step SPAWNER_REQUEST runs a program'],
    });
    expect(assessRisk(['delete it'], ['SPAWNER_REQUEST']).risk).toBe('HIGH');
  });
});
