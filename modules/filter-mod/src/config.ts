/** Configuration of `filter_mod`. */
export interface Config {
  /**
   * Condition a row must meet to be kept, e.g. `age > 18 and country == 'NL'`; rows where it is false or null are dropped. `{{...}}` templates in it are bound as literals (`country == {{context.country}}`).
   * @format expression
   */
  condition: string;
}
