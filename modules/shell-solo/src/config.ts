/** Configuration of `shell_solo`. */
export interface Config {
  /** The program to run: a name found on PATH (`gzip`) or a path (`./scripts/notify.sh`); never a shell command line */
  command: string;
  /** Arguments, one per item; each is passed to the program as is (templates such as "{{iter.item.path}}" cannot inject shell syntax, as no shell is involved) */
  args?: string[];
  /**
   * Working folder of the program; the run's working folder when left out
   * @format path
   */
  cwd?: string;
  /** Extra environment variables for the program, added to the run's own */
  env?: Record<string, string>;
  /**
   * Seconds before the program is stopped (SIGTERM) and the module fails; 0 waits as long as the run allows
   * @asType integer
   * @default 0
   */
  timeout?: number;
  /**
   * Exit codes that count as success
   * @default [0]
   */
  ok_exit_codes?: number[];
  /**
   * Do not fail the module on another exit code; the code is still in the `exit_code` global for a condition edge
   * @default false
   */
  allow_failure?: boolean;
  /**
   * Most bytes of stdout and of stderr kept in the globals; the rest is dropped (the log says so)
   * @asType integer
   * @default 1048576
   */
  max_output_bytes?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  timeout: 0,
  ok_exit_codes: [0],
  allow_failure: false,
  max_output_bytes: 1_048_576,
} satisfies Omit<Required<Config>, 'command' | 'args' | 'cwd' | 'env'>;
