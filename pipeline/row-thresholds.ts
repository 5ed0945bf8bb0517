// How many rows of a police.uk file may be lost or changed at intake before the run or the
// gate refuses it: shares of the rows, judged only beyond a few rows. The gate judges each
// month's street rows (validate.ts); the outcomes read judges each outcomes file (outcomes.ts).

/**
 * Rows that cannot be used as police.uk wrote them (street rows dropped as malformed: bad
 * coordinates, month or crime type; outcomes rows without a Crime ID, a month of their file or
 * an outcome type) may be at most this fraction of the rows read, overall and in any one month
 * or file. police.uk files have none in the sample months; one in a thousand allows a stray
 * bad line, while a changed file format (a renamed column, a new date format) makes most rows
 * unusable and fails at once.
 */
export const MALFORMED_THRESHOLD = 0.001;

/**
 * A month's or a file's rows are judged on their share repaired or unusable only beyond this
 * many: a Leeds month's stop and search is a few hundred rows, where one odd field would be
 * beyond a threshold of 0.1%, and, checked on every run and not approvable, would stop every
 * refresh after it; a file in another encoding or format changes most of its rows.
 */
export const REPAIRED_MIN = 5;
