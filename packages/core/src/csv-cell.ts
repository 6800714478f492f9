/**
 * What a spreadsheet reads as the start of a formula when it opens a CSV
 * file: OWASP's list for CSV injection (`=`, `+`, `-`, `@`, tab, carriage
 * return).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A signed run of digits (an E.164 phone number, a negative count): a
 * spreadsheet reads it as a number, which can call nothing, so it is left
 * as it was rather than shown with a quote in front.
 */
const SIGNED_NUMBER = /^[+-]\d+(?:\.\d+)?$/;

/**
 * `value` made safe to open in a spreadsheet: a cell that would start a
 * formula gets a leading `'`, which Excel, LibreOffice and Google Sheets
 * take as "this is text".
 *
 * @example
 * neutraliseFormula('=HYPERLINK("https://evil.example","x")') // `'=HYPERLINK("https://evil.example","x")`
 * neutraliseFormula("+15555551234") // unchanged: a number, not a formula
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !SIGNED_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * One field of a CSV file that people open in spreadsheets: formulas
 * neutralised, then quoted when it must be (RFC 4180).
 */
export function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
