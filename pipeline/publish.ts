// Before a run, and before anything reads the outputs (publish-cli.ts): finish what an
// interrupted run left. A publish killed half-way is completed from its journal (so the
// outputs are one run's, never a mix), and temporary files of killed runs are removed.
// Returns a note for each thing done, for the run summary.
import path from 'node:path';
import { writtenPaths, type PipelinePaths } from './paths.ts';
import { sweepTemporaryFiles } from './sweep-temporary-files.ts';
import { recoverInterruptedPublish } from './write.ts';

export async function cleanUpInterruptedRuns(paths: PipelinePaths): Promise<string[]> {
  const notes: string[] = [];
  const completed = await recoverInterruptedPublish(paths.publishJournal);
  if (completed.length > 0) {
    notes.push(
      `the previous run was stopped while publishing its outputs; its publish was completed ` +
        `from ${paths.publishJournal} (${completed.length} file(s)) before the outputs were read`,
    );
  }
  // A temporary file sits beside the file it will replace, or inside an output folder.
  const swept = await sweepTemporaryFiles(
    writtenPaths(paths).flatMap((written) => [path.dirname(written), written]),
  );
  if (swept.length > 0) {
    notes.push(
      `${swept.length} temporary file(s) left by interrupted runs were removed, e.g. ${swept[0]}`,
    );
  }
  return notes;
}
