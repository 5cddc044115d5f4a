import { parseIntentText } from './intent-parser';

describe('parseIntentText', () => {
  it.each([
    ['what is the status of the system?', 'healthcheck', null, 'en'],
    ['¿cuál es el estado del sistema?', 'healthcheck', null, 'es'],
    ['open a window for switch', 'open_window', 'switch', 'en'],
    ['despierta el spawner', 'open_window', 'spawner', 'es'],
    ['close the window', 'close_window', null, 'en'],
    ['cierra la ventana de hermes', 'close_window', 'hermes', 'es'],
    ['restore the database', 'run_maintenance', null, 'en'],
    ['haz una copia de seguridad de la base de datos', 'run_maintenance', null, 'es'],
    ['run the program uptime', 'spawn', null, 'en'],
    ['ejecuta el comando df', 'spawn', null, 'es'],
    ['hola', 'chat', null, 'es'],
    ['tell me a joke', 'chat', null, 'en'],
  ])('reads "%s" as %s', (text, action, target, language) => {
    const parsed = parseIntentText(text);
    expect({ action: parsed.action, target: parsed.target, language: parsed.language }).toEqual({
      action,
      target,
      language,
    });
  });

  it('ignores accents and case', () => {
    expect(parseIntentText('MANTENIMIENTO y RETENCIÓN').action).toBe('run_maintenance');
  });

  it('does not open a window without a module or the word window', () => {
    expect(parseIntentText('wake up').action).toBe('chat');
  });

  it('names the keyword that decided', () => {
    expect(parseIntentText('please check health').matched).toEqual(['check']);
  });
});
