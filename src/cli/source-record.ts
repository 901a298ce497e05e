/** What an import source yields: records with their line numbers, a batch per chunk read. */

export interface SourceRecord {
  /** Line where the record starts, for error messages. */
  line: number;
  record: unknown;
  /** Set when the input itself is unreadable at this record. */
  error?: string;
}

/** The records of one chunk of input: passing a batch costs what passing one record did. */
export interface SourceBatch {
  records: SourceRecord[];
  /** Bytes read so far, for progress. */
  bytes: number;
}
