// What to tell someone whose reference file (data/reference/, or an area's own in
// data/areas/<slug>/) is missing or damaged: every one is committed, so git has it as it was.
// Not "fetch it again": `npm run area -- add` fetches the boundaries current now, which need
// not be those committed (Sheffield's wards are the December 2020 set), and the district's
// figures would change with them. Pure: one wording for the pipeline and the site build.

/**
 * "Restore it from the repository (`git checkout -- FILE`)", for `source`: the file, or the
 * file and a line ("postcodes.csv:12"), whose line is left out.
 */
export function restoreFromRepository(source: string): string {
  return `Restore it from the repository (\`git checkout -- ${source.replace(/:\d+$/, '')}\`)`;
}
