/**
 * The shape of one schema migration.
 */
export interface Migration {
  /** schema version after this migration; multiples of 10, strictly increasing */
  version: number;
  name: string;
  sql: string;
}
