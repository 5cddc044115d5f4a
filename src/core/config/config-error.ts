/** A configuration value that cannot be used; `source` names the variable or config key. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${source} ${reason}`);
    this.name = 'ConfigError';
  }
}
