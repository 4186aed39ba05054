/** Configuration of `log_message`. */
export interface Config {
  /** The message to log; templates such as {{context.env}} are resolved before the module runs. */
  message: string;
  /**
   * Level to log the message at
   * @default "info"
   */
  level?: 'info' | 'warn' | 'error';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { level: 'info' } as const satisfies Omit<Required<Config>, 'message'>;
