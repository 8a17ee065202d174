export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggingConfiguration {
  configuration: {
    loggers: { root: { level: LogLevel }; logger?: { name: string; level: LogLevel }[] };
  };
}

/** What a version has until its logging configuration is changed: root at `warn`. */
export const DEFAULT_LOGGING: LoggingConfiguration = { configuration: { loggers: { root: { level: 'warn' }, logger: [] } } };
