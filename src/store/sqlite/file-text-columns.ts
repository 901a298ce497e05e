/**
 * Two columns of the SQLite store's activities hold text as export files write it, so the line
 * SQL copies them instead of building them on every row of every export (docs/performance.md,
 * "Round three"): the date and the attributes. Together they were more than half of what the
 * line SQL cost beyond the plain columns.
 *
 * - `date_text`: the activity date as files write it (`2025-08-01T00:00:00Z`), beside the integer
 *   `activity_date` that the windows and the index use. Formatting it per row (date() and three
 *   %02d conversions) was 28 % of the line SQL's time.
 * - `attributes`: the JSON text, in its file form whenever it holds a `"`. JSON with a `"` is
 *   quoted in every export format (RFC 4180 doubling), whatever the delimiter, so the form is the
 *   same for CSV, TSV and SSV. Looking for quotes and doubling them per row was a quarter of the
 *   line SQL's time. Text without a `"` (`{}`) is kept as it is, so a stored value that starts
 *   with `"` is always the file form.
 */

/**
 * The column's text for a column or parameter of attributes JSON, in SQL (every insert and the
 * migration use it): the JSON quoted with its `"` doubled when it holds one (`%w` doubles `"`), else
 * the JSON as it is.
 */
export function storedAttributesSql(json: string): string {
  return `CASE WHEN instr(${json}, '"') THEN format('"%w"', ${json}) ELSE ${json} END`;
}

/** The attributes JSON back from the column's text. */
export function attributesFromStored(text: string): string {
  return text.charCodeAt(0) === 34 ? text.slice(1, -1).replaceAll('""', '"') : text;
}

/**
 * The attributes as file text, for a line built in SQL: the stored form as it is, or (text without
 * `"`) `quotedColumn`, which quotes it when it holds the delimiter, CR or LF. `unicode()` reads
 * one character.
 */
export function attributesFileText(quotedColumn: string): string {
  return `CASE WHEN unicode(attributes) = 34 THEN attributes ELSE ${quotedColumn} END`;
}

/** Migration of a store written before: the JSON holding `"` rewritten into the stored form (%w doubles `"`). */
export const MIGRATE_ATTRIBUTES_TO_FILE_FORM = `UPDATE activities SET attributes = ${storedAttributesSql('attributes')} WHERE instr(attributes, '"')`;

/**
 * Migration of a store written before: the date column, filled as formatMarketoDate writes dates
 * (strftime agrees with it from year 1 to 9999, the dates an import accepts).
 */
export const MIGRATE_ADD_DATE_TEXT = `ALTER TABLE activities ADD COLUMN date_text TEXT;
  UPDATE activities SET date_text = strftime('%Y-%m-%dT%H:%M:%SZ', activity_date, 'unixepoch')`;
