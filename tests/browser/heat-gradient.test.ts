import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { gradientTable } from '../../src/islands/heat-layer.ts';
import { launchBrowser } from './support.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** leaflet.heat's way: a 1 x 256 canvas painted with a linear gradient, read back. */
async function canvasGradient(stops: Record<number, string>): Promise<number[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate((given) => {
      const canvas = document.createElement('canvas');
      canvas.width = 1;
      canvas.height = 256;
      const ctx = canvas.getContext('2d');
      if (ctx === null) throw new Error('No 2D canvas');
      const gradient = ctx.createLinearGradient(0, 0, 0, 256);
      for (const [offset, colour] of Object.entries(given)) {
        gradient.addColorStop(Number(offset), colour);
      }
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, 1, 256);
      return Array.from(ctx.getImageData(0, 0, 1, 256).data);
    }, stops);
  } finally {
    await context.close();
  }
}

describe('gradientTable(stops)', () => {
  it('gives the colours a canvas gradient gives, level by level', async () => {
    const cases: Record<number, string>[] = [
      // The map's heat gradient (viridis), and stops spread unevenly from 0 to 1.
      { 0.2: '#440154', 0.4: '#3b528b', 0.6: '#21918c', 0.8: '#5ec962', 1: '#fde725' },
      { 0: '#000000', 0.1: '#ff0000', 0.9: '#00ff80', 1: '#ffffff' },
    ];
    for (const stops of cases) {
      const expected = await canvasGradient(stops);
      const table = Array.from(gradientTable(stops));
      expect(table).toHaveLength(expected.length);
      const worst = Math.max(...table.map((v, i) => Math.abs(v - (expected[i] ?? 0))));
      // Canvas gradients are computed in floating point and may round the other way.
      expect(worst, JSON.stringify(stops)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a colour that is not #rrggbb, naming it', () => {
    expect(() => gradientTable({ 0: '#000000', 1: 'red' })).toThrow(/"red" at 1/);
  });
});
