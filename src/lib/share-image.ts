// Share images (Open Graph) for the ward and year pages: an outline, the name and the
// headline figures, drawn as SVG from the site data and rendered to PNG at build time with
// resvg and the committed DejaVu Sans fonts (src/assets/fonts, with their licence). Runs in
// the build only, never in the browser.
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { DATA_SOURCE } from '../shared/constants.ts';
import { osNotice } from '../shared/open-data.ts';
import { AREA_LICENCE, AREA_WORDS } from './area.ts';
import { versioned } from './content-version.ts';
import { escapeXml } from './atom.ts';
import { withPngText } from './png-text.ts';
import { SHARE_IMAGE, SITE_NAME } from './site-meta.ts';

/** Fonts are read from the project, not the system, so every machine draws the same image. */
const FONT_DIR = path.resolve('src/assets/fonts');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONT_DIR, f));

const COLOURS = {
  background: '#ffffff',
  band: '#1d3557',
  text: '#1b1b1b',
  muted: '#4a4a4a',
  shape: '#d1495b',
  other: '#e6e6e6',
  line: '#ffffff',
} as const;

export interface ShareCard {
  /** Big heading, e.g. "Armley". */
  title: string;
  /** Up to three lines of figures. */
  lines: readonly string[];
  /** The outline: an SVG view box and paths, the highlighted ones drawn in colour. */
  outline: { viewBox: string; paths: { d: string; highlight: boolean }[] };
}

/**
 * The notices the image owes its sources, drawn at its foot across its width: an image shared
 * on its own is seen without the page's footer. The outline is drawn from the Office for
 * National Statistics' boundaries (with Ordnance Survey's notice, of `boundariesYear`), and
 * the rates divide by its Census 2021 population.
 */
export function shareCredits(boundariesYear: number): string[] {
  return [
    `Source: ${DATA_SOURCE.name} (crimes); Office for National Statistics (boundaries, Census 2021 population).`,
    `${DATA_SOURCE.licence}. ${osNotice(boundariesYear)}`,
  ];
}

/**
 * What the PNG file itself carries (its Copyright text), as every data file does: the full
 * attribution and the licence. The credits drawn at the foot are short enough to read on a
 * card; a copy of the file keeps these whole.
 */
const SHARE_IMAGE_TEXT = {
  Copyright: `${AREA_LICENCE.attribution.join(' ')} Licence: ${AREA_LICENCE.title} (${AREA_LICENCE.path}).`,
} as const;

/** The credits' font size and baselines: below the outline, clear of the figures above. */
const CREDIT_SIZE = 17;
const CREDIT_FIRST_Y = 590;
const CREDIT_LEADING = 25;

/** Room for text right of the outline, in pixels. */
const TEXT_X = 560;
const TEXT_WIDTH = SHARE_IMAGE.width - TEXT_X - 30;
/** Average glyph width of DejaVu Sans as a share of the font size (bold is wider). */
const GLYPH_WIDTH = { normal: 0.56, bold: 0.64 } as const;

/** The largest size up to `max` at which `text` fits the text column. */
function fittingSize(text: string, max: number, weight: keyof typeof GLYPH_WIDTH): number {
  return Math.min(max, Math.floor(TEXT_WIDTH / (text.length * GLYPH_WIDTH[weight])));
}

/** `text` on two lines, broken at the space nearest its middle (one line if it has none). */
function inTwo(text: string): string[] {
  const spaces = [...text.matchAll(/ /g)].map((m) => m.index);
  const middle = spaces.sort(
    (a, b) => Math.abs(a - text.length / 2) - Math.abs(b - text.length / 2),
  )[0];
  return middle === undefined ? [text] : [text.slice(0, middle), text.slice(middle + 1)];
}

/** A long name on two lines. */
function titleLines(title: string): string[] {
  return fittingSize(title, 64, 'bold') >= 52 ? [title] : inTwo(title);
}

/** The smallest size a line of figures is drawn at: below it, the line is broken in two. */
const MIN_FIGURE_SIZE = 28;
const FIGURE_SIZE = 36;

/**
 * The figure lines as drawn, with their baselines: all at one size, the largest up to
 * FIGURE_SIZE at which each fits, a line being broken in two rather than shrinking the rest
 * below MIN_FIGURE_SIZE (the headline count is the longest line and must stay legible).
 */
function figureTexts(
  lines: readonly string[],
): { text: string; size: number; y: number; first: boolean }[] {
  const blocks = lines.map((line, i) => {
    const weight = i === 0 ? 'bold' : 'normal';
    const parts = fittingSize(line, FIGURE_SIZE, weight) >= MIN_FIGURE_SIZE ? [line] : inTwo(line);
    return { parts, fits: Math.min(...parts.map((p) => fittingSize(p, FIGURE_SIZE, weight))) };
  });
  const size = Math.min(...blocks.map((b) => b.fits));
  const out: { text: string; size: number; y: number; first: boolean }[] = [];
  let y = 350;
  blocks.forEach(({ parts }, i) => {
    parts.forEach((text, j) => {
      out.push({ text, size, y, first: i === 0 });
      y += j === parts.length - 1 ? size + 24 : size + 8;
    });
  });
  return out;
}

export function shareCardSvg(card: ShareCard): string {
  const { width, height } = SHARE_IMAGE;
  // The outline ends above the credits' first line (its glyphs rise CREDIT_SIZE above it).
  const size = 440;
  const paths = card.outline.paths
    .map(
      (p) =>
        `<path d="${p.d}" fill="${p.highlight ? COLOURS.shape : COLOURS.other}" stroke="${COLOURS.line}" stroke-width="1.5" fill-rule="evenodd"/>`,
    )
    .join('');
  const lines = figureTexts(card.lines)
    .map(
      ({ text, size, y, first }) =>
        `<text x="${TEXT_X}" y="${y}" font-size="${size}" fill="${first ? COLOURS.text : COLOURS.muted}" font-weight="${first ? 'bold' : 'normal'}">${escapeXml(text)}</text>`,
    )
    .join('');
  const title = titleLines(card.title);
  const titleSize = Math.min(...title.map((t) => fittingSize(t, 64, 'bold')));
  const titleText = title
    .map(
      (t, i) =>
        `<text x="${TEXT_X}" y="${(title.length === 1 ? 250 : 200) + i * (titleSize + 10)}" font-size="${titleSize}" font-weight="bold" fill="${COLOURS.text}">${escapeXml(t)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans">`,
    `<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>`,
    `<rect width="${width}" height="90" fill="${COLOURS.band}"/>`,
    `<text x="40" y="58" font-size="34" font-weight="bold" fill="#ffffff">${escapeXml(SITE_NAME)}</text>`,
    `<svg x="50" y="125" width="${size}" height="${size}" viewBox="${card.outline.viewBox}">${paths}</svg>`,
    titleText,
    lines,
    ...shareCredits(AREA_WORDS.boundariesYear).map(
      (text, i) =>
        `<text x="40" y="${CREDIT_FIRST_Y + i * CREDIT_LEADING}" font-size="${CREDIT_SIZE}" fill="${COLOURS.muted}">${escapeXml(text)}</text>`,
    ),
    '</svg>',
  ].join('');
}

/**
 * PNGs already drawn in this build, by their SVG: the page that names an image (its address is
 * versioned by the PNG's bytes) and the route that serves it draw the same card once.
 */
const rendered = new Map<string, Buffer>();

/** The card as a PNG, its text holding the licence and attribution (SHARE_IMAGE_TEXT). */
export function renderShareImage(card: ShareCard): Buffer {
  const svg = shareCardSvg(card);
  let png = rendered.get(svg);
  if (png === undefined) {
    const resvg = new Resvg(svg, {
      font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    });
    png = withPngText(resvg.render().asPng(), SHARE_IMAGE_TEXT);
    rendered.set(svg, png);
  }
  return png;
}

/**
 * The site path of the share image at `file` ("share/wards/armley.png") drawn from `card`,
 * versioned by the PNG's bytes (content-version.ts): a refresh that changes the picture changes
 * its address, so a social site or a browser that cached the old one fetches the new, and one
 * that leaves the picture as it was keeps the address.
 */
export function shareImagePath(file: string, card: ShareCard): string {
  return versioned(file, renderShareImage(card));
}

export function pngResponse(png: Buffer): Response {
  return new Response(new Uint8Array(png), { headers: { 'Content-Type': 'image/png' } });
}
