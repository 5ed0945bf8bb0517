// The import-direction rules in eslint.config.js, run through ESLint's Node API on snippets
// placed (by file path, never written to disk) where a wrong-way import would be.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** The no-restricted-imports messages ESLint reports for `code` as if it were `filePath`. */
async function directionErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal)
    .map((m) => m.message);
}

describe('import direction (eslint.config.js)', () => {
  it('fails a site module that imports pipeline/', async () => {
    const errors = await directionErrors(
      'src/lib/outline-check.ts',
      "import { geometrySvgPath } from '../../pipeline/wards.ts';\nexport const f = geometrySvgPath;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/The site never imports pipeline\//)]);
  });

  it('fails an Astro page that imports pipeline/', async () => {
    const errors = await directionErrors(
      'src/pages/direction-check.astro',
      "---\nimport { OUTLINE_TOLERANCE_M } from '../../pipeline/geo.ts';\n---\n<p>{OUTLINE_TOLERANCE_M}</p>\n",
    );
    expect(errors).toEqual([expect.stringMatching(/The site never imports pipeline\//)]);
  });

  it('fails a pipeline module that imports src/ outside src/shared/', async () => {
    const errors = await directionErrors(
      'pipeline/direction-check.ts',
      "import { period } from '../src/lib/figures.ts';\nexport const f = period;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/The pipeline imports only src\/shared\//)]);
  });

  it('fails a src/shared/ module that imports from outside src/shared/', async () => {
    for (const from of ['../lib/figures.ts', '../../pipeline/geo.ts']) {
      const errors = await directionErrors(
        'src/shared/direction-check.ts',
        `import { x } from '${from}';\nexport const f = x;\n`,
      );
      expect(errors, from).toEqual([
        expect.stringMatching(/src\/shared\/ imports only src\/shared\//),
      ]);
    }
  });

  it('passes the right-way imports: site and pipeline to src/shared/, shared within itself', async () => {
    const cases: [string, string][] = [
      ['src/lib/direction-check.ts', "import { addMonths } from '../shared/months.ts';"],
      [
        'src/pages/direction-check.astro',
        "---\nimport { CRIME_TYPES } from '../shared/constants.ts';\n---\n<p>{CRIME_TYPES.length}</p>",
      ],
      ['pipeline/direction-check.ts', "import { addMonths } from '../src/shared/months.ts';"],
      [
        'pipeline/sources/direction-check.ts',
        "import { coordinateKey } from '../../src/shared/coordinates.ts';",
      ],
      ['src/shared/direction-check.ts', "import { addMonths } from './months.ts';"],
    ];
    for (const [filePath, line] of cases) {
      const code = filePath.endsWith('.astro')
        ? line
        : `${line}\nexport const used = [${/\{ (\w+) \}/.exec(line)?.[1]}];\n`;
      expect(await directionErrors(filePath, code), filePath).toEqual([]);
    }
  });
});
