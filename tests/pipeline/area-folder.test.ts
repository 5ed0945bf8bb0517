// keptAttribution(): the ATTRIBUTION.md a replaced area is given, from the one the area
// command wrote now and the one the area had.
import { describe, expect, it } from 'vitest';
import { keptAttribution } from '../../pipeline/area-folder.ts';

const TITLE = '# Sheffield (E08000039): sources and licences\n\nIntro.\n\n';
const BOUNDARIES = '## ONS boundaries\n\nThe wards fetched now.\n\n';
const notice = (what: string, them = true) =>
  `${what}: \`area.json\` has none (null). Add ${them ? 'them' : 'it'}\n` +
  `by hand where the district has a source, with ${them ? 'their' : 'its'} attribution here.`;
const written = `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n`;

describe('keptAttribution(written, previous)', () => {
  it('is the written file when there was none before', () => {
    expect(keptAttribution(written, null)).toEqual({ text: written, kept: [] });
  });

  it('keeps what a person wrote under "Not here", after what area.json lacks now', () => {
    const previous =
      `${TITLE}## ONS boundaries\n\nThe old wards.\n\n## Not here\n\n` +
      'Sheffield postcodes, polling districts and South Yorkshire outcomes files.\n';
    expect(keptAttribution(written, previous)).toEqual({
      text:
        `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n\n` +
        'Sheffield postcodes, polling districts and South Yorkshire outcomes files.\n',
      kept: ['Not here'],
    });
  });

  it('leaves out the notice it wrote before, naming what area.json lacked then', () => {
    const before = notice('Postcodes, polling districts and a centre definition');
    const previous = `${TITLE}${BOUNDARIES}## Not here\n\n${before}\n\nThe council publishes no polling districts.\n`;
    const { text, kept } = keptAttribution(written, previous);
    expect(text).toBe(
      `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n\n` +
        'The council publishes no polling districts.\n',
    );
    expect(kept).toEqual(['Not here']);
    expect(keptAttribution(written, `${TITLE}## Not here\n\n${before}\n`)).toEqual({
      text: written,
      kept: [],
    });
  });

  it("leaves out the notice it wrote before in a file saved with CRLF line endings, keeping a person's text as written", () => {
    const before = notice('Postcodes, polling districts and a centre definition');
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const own = 'The council publishes no polling districts;\r\nsee its  site.';
    const previous = crlf(`${TITLE}${BOUNDARIES}## Not here\n\n${before}\n\n`) + `${own}\r\n`;
    expect(keptAttribution(written, previous)).toEqual({
      text: `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n\n${own}\n`,
      kept: ['Not here'],
    });
    expect(keptAttribution(written, crlf(`${TITLE}## Not here\n\n${before}\n`))).toEqual({
      text: written,
      kept: [],
    });
  });

  it('leaves out the notice it wrote before when its lines were wrapped anew', () => {
    const rewrapped =
      'Postcodes and polling districts: `area.json` has none (null).\n' +
      'Add them by hand where the district has a source,  with their\n  attribution here.';
    expect(rewrapped.replace(/\s+/g, ' ')).toBe(
      notice('Postcodes and polling districts').replace(/\s+/g, ' '),
    );
    const previous = `${TITLE}## Not here\n\n${rewrapped}\n\nNo outcomes files.\n`;
    expect(keptAttribution(written, previous)).toEqual({
      text: `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n\nNo outcomes files.\n`,
      kept: ['Not here'],
    });
    expect(keptAttribution(written, `${TITLE}## Not here\n\n${rewrapped}\n`)).toEqual({
      text: written,
      kept: [],
    });
  });

  it("keeps a person's paragraph that only begins with the notice's words", () => {
    const own = `${notice('Postcodes', false)}\nThe council's list is due in May.`;
    const previous = `${TITLE}## Not here\n\n${own}\n`;
    expect(keptAttribution(written, previous)).toEqual({
      text: `${TITLE}${BOUNDARIES}## Not here\n\n${notice('Postcodes', false)}\n\n${own}\n`,
      kept: ['Not here'],
    });
  });

  it('keeps a person\'s "Not here" at the end when area.json now lacks nothing', () => {
    const complete = `${TITLE}${BOUNDARIES}`.trimEnd() + '\n';
    const previous = `${TITLE}## Not here\n\n${notice('Postcodes', false)}\n\nNo outcomes files.\n`;
    expect(keptAttribution(complete, previous)).toEqual({
      text: `${TITLE}${BOUNDARIES}## Not here\n\nNo outcomes files.\n`,
      kept: ['Not here'],
    });
  });

  it('keeps the sections a person added, in their order, before "Not here"', () => {
    const previous = `${TITLE}## police.uk months\n\nThe sample.\n\n${BOUNDARIES}## Notes\n\nMore.\n`;
    expect(keptAttribution(written, previous)).toEqual({
      text:
        `${TITLE}${BOUNDARIES}## police.uk months\n\nThe sample.\n\n## Notes\n\nMore.\n\n` +
        `## Not here\n\n${notice('Postcodes', false)}\n`,
      kept: ['police.uk months', 'Notes'],
    });
  });
});
