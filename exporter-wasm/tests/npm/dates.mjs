// The Dates the time-zone tests export, in Node (node.test.mjs) and in
// Chromium (vite-app/main.js, browser.mjs), and the CSV every zone must
// give: zones with odd offsets (-3:30, +5:30, +12:45), one across a DST
// change, and Excel's edge dates.

export const TIME_ZONES = ["UTC", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "Europe/London"];

/** The table, its Dates made in the zone of the runtime that calls this. */
export function dateTable() {
  return {
    columns: [{ header: "d", type: "date" }, { header: "dt", type: "datetime" }, { header: "t", type: "time" }, { header: "any" }],
    rows: [
      [new Date(2024, 0, 15), new Date(2024, 0, 15, 9, 5, 7, 250), new Date(1970, 0, 1, 9, 15), new Date(2024, 2, 31, 12)],
      [new Date(1900, 0, 1), new Date(1900, 1, 28, 23, 59, 59), new Date(2000, 0, 1, 23, 59), new Date(1900, 2, 1)],
      [new Date(9999, 11, 31), new Date(2024, 9, 27, 1, 30), new Date(2024, 0, 1, 0, 0, 1), null],
    ],
  };
}

export const DATES_CSV =
  "d,dt,t,any\r\n" +
  "2024-01-15,2024-01-15T09:05:07.250,09:15:00,2024-03-31T12:00:00\r\n" +
  "1900-01-01,1900-02-28T23:59:59,23:59:00,1900-03-01T00:00:00\r\n" +
  "9999-12-31,2024-10-27T01:30:00,00:00:01,\r\n";
