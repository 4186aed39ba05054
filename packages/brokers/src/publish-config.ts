/** What every broker sink's `Config` shares: what a message carries and how many go at a time. */
export interface PublishConfig {
  /**
   * The column whose value is each message's payload (text as UTF-8, binary as is, other types as their JSON text, null as an empty message); when left out, the whole row as one JSON object (64-bit integers and decimals exact, timestamps ISO 8601 in UTC)
   */
  payload_column?: string;
  /**
   * Rows published at a time: each group is sent and its acknowledgements awaited before the next, so a failure leaves a known number of rows published
   * @asType integer
   * @minimum 1
   * @default 1000
   */
  batch_size?: number;
}

/** The defaults above as values; each module's conformance test keeps them equal to its manifest. */
export const PUBLISH_DEFAULTS = { batch_size: 1000 } as const;
