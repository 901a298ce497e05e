/**
 * How the SQLite store keeps an activity's attributes: the JSON text in its file form whenever it
 * holds a `"`. JSON with a `"` is quoted in every export format (RFC 4180 doubling), whatever the
 * delimiter, so the form is the same for CSV, TSV and SSV, and the export copies the column instead
 * of looking for quotes and doubling them on every row: that was a quarter of the line SQL's time
 * (docs/performance.md, "Round three"). Text without a `"` (`{}`) is kept as it is, so a stored
 * value that starts with `"` is always the file form.
 */

/** The column's text for the attributes JSON. */
export function storedAttributes(json: string): string {
  return json.includes('"') ? `"${json.replaceAll('"', '""')}"` : json;
}

/** The attributes JSON back from the column's text. */
export function attributesFromStored(text: string): string {
  return text.charCodeAt(0) === 34 ? text.slice(1, -1).replaceAll('""', '"') : text;
}

/**
 * The column as file text, for a line built in SQL: the stored form as it is, or (text without
 * `"`) quoted by `quoted` when it holds the delimiter, CR or LF. `unicode()` reads one character.
 */
export function attributesFileText(quotedColumn: string): string {
  return `CASE WHEN unicode(attributes) = 34 THEN attributes ELSE ${quotedColumn} END`;
}

/**
 * Migration of a store written before: the JSON holding `"` rewritten into the stored form.
 * format()'s %w doubles `"` as storedAttributes does.
 */
export const MIGRATE_ATTRIBUTES_TO_FILE_FORM = `UPDATE activities SET attributes = format('"%w"', attributes) WHERE instr(attributes, '"')`;
