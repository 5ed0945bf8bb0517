import { describe, expect, it } from 'vitest';
import { barPercents, niceStep, trendGeometry } from '../../../src/lib/charts.ts';
import {
  changeShown,
  changeSortValue,
  countedNoun,
  formatChange,
  formatRate,
  formatShare,
  formatRateWithWindow,
  sharesRoundingNote,
  ordinal,
  plural,
  rankRatesAsShown,
} from '../../../src/lib/format.ts';
import { monthsOfYear } from '../../../src/shared/months.ts';
import {
  CHANGE_SIGNIFICANCE,
  compareCounts,
  MIN_COUNT_FOR_PERCENT,
  rateWindow,
} from '../../../src/shared/rates.ts';
import { exactTwoSidedPValue } from '../../support/exact-binomial.ts';
import {
  calendarYears,
  centreInflatedWards,
  centreInflatesRate,
  centreInflationSentence,
  isCentreWard,
  crimesAndAsb,
  latestTwelveMonths,
  mapMonths,
  monthGridYears,
  monthTotal,
  neighbourYears,
  period,
  periodInWords,
  rateOver,
  reportingForces,
  typeCounts,
  wardRows,
  yearOnYear,
  yearPeriod,
  yearsWithData,
} from '../../../src/lib/figures.ts';
import { aggregateSiteData } from '../../../pipeline/aggregate.ts';
import { createMonthSummariser } from '../../../pipeline/summarise.ts';
import { sampleMonth, TEST_WARDS } from '../../support/sample-rows.ts';
import type { SiteData } from '../../../src/shared/schema.ts';
import { committedSiteData, withMonthAs, withoutMonth } from '../../support/site-data.ts';

describe('format', () => {
  it('formatChange signs the change and says n/a when there is nothing to compare', () => {
    expect(formatChange(0.0523)).toBe('+5.2%');
    expect(formatChange(-0.1)).toBe('−10%');
    expect(formatChange(0)).toBe('0%');
    expect(formatChange(null)).toBe('n/a');
  });

  it('formatChange never prints a change that is not 0 as "0%"', () => {
    // Violence and sexual offences in Leeds, March 2024: 3,531; one more or one fewer a year
    // later is a change of 0.03%, which rounds to 0.0%.
    expect(formatChange((3532 - 3531) / 3531)).toBe('+<0.1%');
    expect(formatChange((3530 - 3531) / 3531)).toBe('−<0.1%');
    expect(formatChange((3531 - 3531) / 3531)).toBe('0%');
    // From 0.05% on, the change rounds to 0.1% and is printed as it rounds.
    expect(formatChange(2 / 3531)).toBe('+0.1%');
    expect(formatChange(-2 / 3531)).toBe('−0.1%');
  });

  it('formats rates and ordinals in British English', () => {
    expect(formatRate(32.96)).toBe('33.0');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 33].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '33rd',
    ]);
  });
});

describe('changeShown', () => {
  it('puts in bold every change beyond chance, with a percentage or without one', () => {
    // Every pair of counts up to 60: the earlier count below MIN_COUNT_FOR_PERCENT gives no
    // percentage, and some of those changes are still beyond chance (15 against 2).
    let boldWithoutPercent = 0;
    for (let earlier = 0; earlier <= 60; earlier++) {
      for (let current = 0; current <= 60; current++) {
        const shown = changeShown(compareCounts(current, earlier));
        const beyondChance = exactTwoSidedPValue(current, earlier) < CHANGE_SIGNIFICANCE;
        const pair = `${current} against ${earlier}`;
        expect(shown.bold, pair).toBe(beyondChance);
        expect(shown.percent === null, pair).toBe(earlier < MIN_COUNT_FOR_PERCENT);
        expect(shown.words, pair).toBe(
          beyondChance
            ? current > earlier
              ? 'clearly higher'
              : 'clearly lower'
            : earlier < MIN_COUNT_FOR_PERCENT
              ? 'too few to compare'
              : 'within normal variation',
        );
        if (shown.bold && shown.percent === null) boldWithoutPercent += 1;
      }
    }
    expect(boldWithoutPercent).toBeGreaterThan(0);
  });

  it('shows nothing to compare as n/a, in normal weight', () => {
    expect(changeShown(null)).toEqual({
      verdict: 'none',
      percent: null,
      words: 'n/a',
      bold: false,
    });
  });
});

describe('changeSortValue', () => {
  it('sorts a change by what its cell shows: the percentage, or its direction when none is given', () => {
    const changes = [];
    for (let earlier = 0; earlier <= 60; earlier++) {
      for (let current = 0; current <= 60; current++) changes.push(compareCounts(current, earlier));
    }
    const keyed = changes.map((change) => ({
      shown: changeShown(change),
      key: changeSortValue(change),
      change,
    }));
    const percents = keyed.flatMap(({ change }) =>
      change.percent === null ? [] : [change.percent],
    );
    const highest = Math.max(...percents);
    const lowest = Math.min(...percents);
    let withoutPercent = 0;
    for (const { shown, key, change } of keyed) {
      const pair = `${change.current} against ${change.earlier}`;
      if (change.percent !== null) {
        expect(key, pair).toBe(change.percent);
      } else if (shown.bold) {
        // "clearly higher" alone is above every rise given as a percentage, "clearly lower"
        // alone below every fall: never among the rows that compare nothing.
        withoutPercent += 1;
        if (shown.words === 'clearly higher') expect(key, pair).toBeGreaterThan(highest);
        else expect(key, pair).toBeLessThan(lowest);
      } else {
        expect(shown.words, pair).toBe('too few to compare');
        expect(key, pair).toBeNull();
      }
    }
    expect(withoutPercent).toBeGreaterThan(0);
    expect(changeSortValue(null)).toBeNull();
  });
});

describe('sharesRoundingNote', () => {
  it('says so when the shares as printed do not add up to 100%, and only then', () => {
    // Harewood, Feb-Mar 2025, by crime type: 38% + 11.1% + 9.3% + ... = 100.1%.
    const harewood = [41, 12, 10, 10, 9, 8, 8, 7, 2, 1, 0, 0, 0, 0].map((n) => n / 108);
    expect(sharesRoundingNote(harewood)).toMatch(/rounded.*not add up to exactly 100%/);
    // Harewood's outcomes: 44.4% + 30.6% + 14.8% + 7.4% + 0.9% x 3 = 99.9%.
    expect(sharesRoundingNote([48, 33, 16, 8, 1, 1, 1].map((n) => n / 108))).toMatch(/100%/);
    // Quarters and halves print exactly: 25% + 25% + 50%.
    expect(sharesRoundingNote([0.25, 0.25, 0.5])).toBeNull();
    // 98.4% + 1.6%: the postcode districts of the sample's 26,721 rows.
    expect(sharesRoundingNote([26293 / 26721, 428 / 26721])).toBeNull();
    // Nothing to share out.
    expect(sharesRoundingNote([0, 0, 0])).toBeNull();
  });
});

describe('formatShare', () => {
  it('never prints a share that is not 0 as "0%", nor one short of the whole as "100%"', () => {
    expect(formatShare(0.1234)).toBe('12.3%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(1)).toBe('100%');
    // 1 of 2,239 outcomes in Little London & Woodhouse over Feb-Mar 2025.
    expect(formatShare(1 / 2239)).toBe('<0.1%');
    expect(formatShare(0.0005)).toBe('0.1%');
    expect(formatShare(2238 / 2239)).toBe('>99.9%');
  });
});

describe('formatRate', () => {
  it('never prints a rate that is not 0 as "0.0"', () => {
    expect(formatRate(0)).toBe('0.0');
    // 1 bicycle theft among Pudsey's some 26,000 residents in March 2025.
    expect(formatRate(1 / 26.4)).toBe('<0.1');
    expect(formatRate(0.049)).toBe('<0.1');
    expect(formatRate(0.05)).toBe('0.1');
    expect(formatRate(null)).toBe('n/a');
  });

  it('rankRatesAsShown(rates) ranks a rate printed "<0.1" above 0, and with the others so printed', () => {
    expect(rankRatesAsShown([0, 0.038, 0.2, 0.049, 0, null])).toEqual([4, 2, 1, 2, 4, null]);
  });
});

describe('format: rates and what is counted', () => {
  it('formatRateWithWindow prints the rate with its window, "n/a" without residents', () => {
    expect(formatRateWithWindow(41.27, rateWindow(['2025-02', '2025-03']))).toBe(
      '41.3 per 1,000 residents over 2 months',
    );
    expect(formatRateWithWindow(null, rateWindow(monthsOfYear(2024)))).toBe(
      'n/a per 1,000 residents a year',
    );
  });

  it('countedNoun(types) says crimes, anti-social behaviour, or both', () => {
    expect(countedNoun(['Burglary', 'Anti-social behaviour'])).toBe(
      'crimes and anti-social behaviour incidents',
    );
    expect(countedNoun(['Anti-social behaviour'])).toBe('anti-social behaviour incidents');
    expect(countedNoun(['Burglary', 'Drugs'])).toBe('crimes');
  });

  it('countedNoun(types, 1) says one of them', () => {
    expect(countedNoun(['Burglary', 'Anti-social behaviour'], 1)).toBe(
      'crime or anti-social behaviour incident',
    );
    expect(countedNoun(['Anti-social behaviour'], 1)).toBe('anti-social behaviour incident');
    expect(countedNoun(['Burglary'], 1)).toBe('crime');
    expect(countedNoun(['Burglary'], 2)).toBe('crimes');
  });
});

describe('charts', () => {
  it('trendGeometry breaks the line at a month without data and never draws it at zero', () => {
    const chart = trendGeometry([9408, null, null, 8009, 9304], ['a', 'b', 'c', 'd', 'e']);
    expect(chart.lines).toHaveLength(2);
    expect(chart.lines[0]).not.toContain('L');
    expect(chart.points.map((p) => p.value)).toEqual([9408, 8009, 9304]);
    expect(chart.gaps.map((g) => g.label)).toEqual(['b', 'c']);
    const zeroY = chart.yTicks[0]?.y;
    expect(chart.points.every((p) => p.y !== zeroY)).toBe(true);
  });

  it('trendGeometry puts the y axis at round numbers from 0 to at least the largest value', () => {
    const chart = trendGeometry([9408, 8009], ['a', 'b']);
    expect(chart.yTicks.map((t) => t.value)).toEqual([0, 5000, 10000]);
    expect(niceStep(1200)).toBe(500);
  });

  it('trendGeometry labels the last month and never puts two x labels closer than their step', () => {
    for (let months = 1; months <= 40; months += 1) {
      const labels = Array.from({ length: months }, (_, i) => `m${i}`);
      const { xLabels } = trendGeometry(Array<number>(months).fill(1), labels);
      const indexes = xLabels.map((l) => l.index);
      const step = Math.ceil(months / 7);
      expect(indexes[0], `${months} months`).toBe(0);
      expect(indexes.at(-1), `${months} months`).toBe(months - 1);
      expect(indexes.length, `${months} months`).toBeLessThanOrEqual(7);
      for (let i = 1; i < indexes.length; i += 1) {
        expect(
          indexes[i]! - indexes[i - 1]!,
          `${months} months: ${indexes.join(',')}`,
        ).toBeGreaterThanOrEqual(step);
      }
    }
  });

  it('trendGeometry gives way to the last label: 14 months are labelled 0, 2, ..., 10 and 13', () => {
    const labels = Array.from({ length: 14 }, (_, i) => String(i));
    const chart = trendGeometry(Array<number>(14).fill(1), labels);
    expect(chart.xLabels.map((l) => l.index)).toEqual([0, 2, 4, 6, 8, 10, 13]);
  });

  it('trendGeometry keeps every other label for a narrow chart: the first, the last, never closer than twice the step', () => {
    for (let months = 1; months <= 40; months += 1) {
      const labels = Array.from({ length: months }, (_, i) => `m${i}`);
      const { xLabels } = trendGeometry(Array<number>(months).fill(1), labels);
      const narrow = xLabels.filter((l) => l.narrow).map((l) => l.index);
      const step = Math.ceil(months / 7);
      expect(narrow[0], `${months} months`).toBe(0);
      expect(narrow.at(-1), `${months} months`).toBe(months - 1);
      for (let i = 1; i < narrow.length; i += 1) {
        // The first and last alone are the plot's width apart, however few the months.
        if (narrow.length === 2) break;
        expect(
          narrow[i]! - narrow[i - 1]!,
          `${months} months: ${narrow.join(',')}`,
        ).toBeGreaterThanOrEqual(2 * step);
      }
    }
    // Twelve months, all labelled when there is room: January and every other month after
    // it, December last (November, a month before it, gives way).
    const year = trendGeometry(
      Array<number>(12).fill(1),
      Array<string>(12).fill(''),
      undefined,
      12,
    );
    expect(year.xLabels).toHaveLength(12);
    expect(year.xLabels.filter((l) => l.narrow).map((l) => l.index)).toEqual([0, 2, 4, 6, 8, 11]);
  });

  it('barPercents scales bars to the largest value', () => {
    expect(barPercents([5, 10, 0])).toEqual([50, 100, 0]);
    expect(barPercents([0, 0])).toEqual([0, 0]);
  });
});

describe('figures on site data built from the real sample months', () => {
  const summaries = ['2024-03', '2025-02', '2025-03'].map((month) => {
    const s = createMonthSummariser({
      month,
      source: 'archive',
      snapshot: 'sample',
      fetchedAt: '2025-05-01T00:00:00.000Z',
    });
    const rows = sampleMonth(month);
    s.read(rows.length);
    rows.forEach((r) => s.add(r));
    return s.finish();
  });
  const data: SiteData = aggregateSiteData(summaries, TEST_WARDS, '2025-05-02T10:00:00.000Z');

  it('latestTwelveMonths states which months of the window have data', () => {
    const window = latestTwelveMonths(data);
    expect(window).toMatchObject({ from: '2024-04', to: '2025-03' });
    expect(window.withData).toEqual(['2025-02', '2025-03']);
    expect(window.missing).toHaveLength(10);
  });

  it('periodInWords names the months with data of a period that has months without', () => {
    expect(periodInWords(latestTwelveMonths(data))).toBe(
      'Apr 2024 to Mar 2025 (months with data: Feb–Mar 2025)',
    );
    expect(periodInWords(period(data, '2025-02', '2025-03'))).toBe('Feb 2025 to Mar 2025');
    expect(periodInWords(period(data, '2024-03', '2025-03'))).toBe(
      'Mar 2024 to Mar 2025 (months with data: Mar 2024, Feb–Mar 2025)',
    );
  });

  it('monthTotal is null (a gap) for a month without data, a number otherwise', () => {
    expect(monthTotal(data, null, '2024-04')).toBeNull();
    expect(monthTotal(data, null, '2025-03')).toBe(9304);
  });

  it('crimesAndAsb splits a count by type into crimes and anti-social behaviour', () => {
    const byType = typeCounts(data, null, data.months);
    const rows = ['2024-03', '2025-02', '2025-03'].flatMap((m) => sampleMonth(m));
    const inWards = rows.filter((r) => TEST_WARDS.some((w) => w.code === r.wardCode));
    const asb = inWards.filter((r) => r.crimeType === 'Anti-social behaviour').length;
    expect(asb).toBeGreaterThan(0);
    expect(crimesAndAsb(data, byType)).toEqual({
      crimes: inWards.length - asb,
      asb,
      total: inWards.length,
    });
  });

  it('rateOver(data, ward, count, months) is over the months with data, per year from 12', () => {
    const hunslet = data.wards.findIndex((w) => w.code === 'E05011399');
    const rate = rateOver(data, hunslet, 660, ['2025-02', '2025-03']);
    expect(rate.value).toBeCloseTo((660 / 33000) * 1000, 12);
    expect(rate.window.unit).toBe('per 1,000 residents over 2 months');
    expect(rateOver(data, null, 0, ['2025-03']).window.months).toBe(1);
  });

  it('reportingForces names the forces as the data does', () => {
    expect(reportingForces(data)).toBe('West Yorkshire Police');
    const two = {
      ...data,
      forces: [
        { reportedBy: 'West Yorkshire Police', fallsWithin: 'West Yorkshire Police', count: 9 },
        {
          reportedBy: 'British Transport Police',
          fallsWithin: 'British Transport Police',
          count: 2,
        },
      ],
    };
    expect(reportingForces(two)).toBe('West Yorkshire Police and British Transport Police');
  });

  it('yearOnYear pairs only months that have data in both years', () => {
    const leeds = yearOnYear(data, null, ['2025-02', '2025-03']);
    expect(leeds?.pairs).toEqual([['2025-03', '2024-03']]);
    expect(leeds?.current).toBe(9304);
    expect(leeds?.earlier).toBe(9408);
    expect(leeds?.change.percent).toBeCloseTo((9304 - 9408) / 9408, 10);
    // -1.1% on 9,408: well within what chance gives for counts this size.
    expect(leeds?.change.significant).toBe(false);
    expect(leeds?.change.words).toBe('within normal variation');
    expect(yearOnYear(data, null, ['2025-02'])).toBeNull();
    expect(yearOnYear(data, null, yearPeriod(data, 2024).withData)).toBeNull();
  });
});

describe('wardRows: ranks by rate', () => {
  it('gives two wards whose rates are shown alike one rank, and their counts two', () => {
    const data = committedSiteData();
    const month = data.months.at(-1)!;
    const m = data.months.indexOf(month);
    // 501 and 499 crimes among 100,000 residents in one month: 5.01 and 4.99, both "5.0".
    for (const [ward, crimes] of [
      [0, 501],
      [1, 499],
    ] as const) {
      data.wards[ward]!.population = 100_000;
      const counts = data.counts[ward]![m]!;
      counts.fill(0);
      counts[0] = crimes;
    }
    const rows = wardRows(data, [month]);
    const [a, b] = [rows[0]!, rows[1]!];
    expect(formatRate(a.rate)).toBe('5.0');
    expect(formatRate(b.rate)).toBe('5.0');
    expect(a.rateRank).not.toBeNull();
    expect(b.rateRank).toBe(a.rateRank);
    expect(b.rank).toBeGreaterThan(a.rank);
  });
});

describe('the years of the reports when a whole year has no data', () => {
  // The committed months (Mar 2024, Feb-Mar 2025) with Mar 2024's crimes as Mar 2023's: 2024
  // lies between months with data and has none.
  const data = withMonthAs(committedSiteData(), '2024-03', '2023-03');

  it('yearsWithData(data) leaves such a year out: it gets no page of its own', () => {
    expect(data.months).toEqual(['2023-03', '2025-02', '2025-03']);
    expect(yearsWithData(data)).toEqual([2023, 2025]);
  });

  it('calendarYears(data) lists every year from the first month with data to the latest', () => {
    expect(calendarYears(data)).toEqual([2023, 2024, 2025]);
    expect(calendarYears(committedSiteData())).toEqual([2024, 2025]);
    expect(calendarYears({ ...data, months: [] })).toEqual([]);
  });

  it('monthGridYears(data, year) gives the year before as gaps when it lies within the data', () => {
    expect(monthGridYears(data, 2025)).toEqual([2024, 2025]);
    // Before the first month with data there is nothing to show, not a gap.
    expect(monthGridYears(data, 2023)).toEqual([2023]);
  });

  it('neighbourYears(data, year) gives the nearest years with data, over a year without', () => {
    expect(neighbourYears(data, 2023)).toEqual({ previous: null, next: 2025 });
    expect(neighbourYears(data, 2025)).toEqual({ previous: 2023, next: null });
    const oneYear = withoutMonth(committedSiteData(), '2024-03');
    expect(neighbourYears(oneYear, 2025)).toEqual({ previous: null, next: null });
  });
});

describe('plural(count, one, many)', () => {
  it('takes `one` for 1 and `many` for any other count, 0 among them', () => {
    expect(plural(1, 'month', 'months')).toBe('month');
    expect([0, 2, 10].map((n) => plural(n, 'is', 'are'))).toEqual(['are', 'are', 'are']);
  });
});

describe('mapMonths: the months of a link to the map', () => {
  const leeds = committedSiteData(); // 2024-03, then 2025-02 to 2025-03
  const sheffield = committedSiteData('sheffield'); // 2024-01 to 2024-04

  it("cuts a period to the data's first and last month", () => {
    expect([leeds.months[0], leeds.months.at(-1)]).toEqual(['2024-03', '2025-03']);
    expect([sheffield.months[0], sheffield.months.at(-1)]).toEqual(['2024-01', '2024-04']);
    // A year page's Jan-Dec, at each end of the data.
    expect(mapMonths(leeds, yearPeriod(leeds, 2024))).toEqual({ from: '2024-03', to: '2024-12' });
    expect(mapMonths(leeds, yearPeriod(leeds, 2025))).toEqual({ from: '2025-01', to: '2025-03' });
    expect(mapMonths(sheffield, yearPeriod(sheffield, 2024))).toEqual({
      from: '2024-01',
      to: '2024-04',
    });
    // The ward pages' twelve months: within Leeds's data; before Sheffield's begins.
    expect(mapMonths(leeds, latestTwelveMonths(leeds))).toEqual({ from: '2024-04', to: '2025-03' });
    expect(mapMonths(sheffield, latestTwelveMonths(sheffield))).toEqual({
      from: '2024-01',
      to: '2024-04',
    });
  });

  it('leaves a period within the data as it is, its gaps too', () => {
    expect(mapMonths(leeds, { from: '2024-05', to: '2025-02' })).toEqual({
      from: '2024-05',
      to: '2025-02',
    });
  });

  it('refuses a period that holds no month of the data', () => {
    expect(() => mapMonths(leeds, { from: '2019-01', to: '2019-12' })).toThrow(
      /2019-01 to 2019-12 holds no month of the data/,
    );
    expect(() => mapMonths(sheffield, { from: '2024-05', to: '2024-12' })).toThrow(
      /holds no month of the data/,
    );
  });
});

describe('centreInflationSentence', () => {
  const centre = { label: 'city centre', description: 'postcode districts LS1 and LS2' };
  const a = { name: 'Little London & Woodhouse', population: 28215, cityCentreResidents: 15721 };
  const b = { name: 'Hunslet & Riverside', population: 26533, cityCentreResidents: 2705 };

  it("names each ward's share of residents in the centre, and says what that does to its rate", () => {
    const one = centreInflationSentence([a], centre);
    expect(one).toMatch(
      /^55\.7% of Little London & Woodhouse's residents live in the city centre \(postcode districts LS1 and LS2\), /,
    );
    expect(one).toContain('its rate per resident is inflated, as it counts crimes per resident');
    const two = centreInflationSentence([a, b], centre);
    expect(two).toMatch(
      /^55\.7% of Little London & Woodhouse's and 10\.2% of Hunslet & Riverside's residents/,
    );
    expect(two).toContain('their rates per resident are inflated, as they count crimes');
  });
});

describe('centreInflatedWards(data, rows): the wards a caveat and a "*" say the centre inflates', () => {
  /** Leeds's committed data with the crimes of the wards named `zeroed` taken out of every month. */
  function leedsWithout(...zeroed: string[]): SiteData {
    const data = committedSiteData();
    for (const name of zeroed) {
      const w = data.wards.findIndex((ward) => ward.name === name);
      expect(w, name).toBeGreaterThanOrEqual(0);
      data.counts[w] = data.counts[w]!.map((month) => month.map(() => 0));
    }
    return data;
  }
  const names = (data: SiteData) =>
    centreInflatedWards(data, wardRows(data, latestTwelveMonths(data).withData)).map((w) => w.name);
  const centreWards = committedSiteData()
    .wards.filter(isCentreWard)
    .map((w) => w.name);

  it("are Leeds's centre wards, each with crimes in the window", () => {
    expect(centreWards).toEqual(['Hunslet & Riverside', 'Little London & Woodhouse']);
    expect(names(committedSiteData())).toEqual(centreWards);
  });

  it('leave out a centre ward with no crimes in the window: a rate of 0 is not inflated', () => {
    for (const [i, quiet] of centreWards.entries()) {
      const data = leedsWithout(quiet);
      const rows = wardRows(data, latestTwelveMonths(data).withData);
      const row = rows.find((r) => r.name === quiet)!;
      expect([row.total, row.rate], quiet).toEqual([0, 0]);
      expect(centreInflatesRate(data.wards[row.index]!, row.total), quiet).toBe(false);
      // The other centre ward, with its crimes, is still named.
      expect(names(data), quiet).toEqual([centreWards[1 - i]]);
    }
    expect(names(leedsWithout(...centreWards))).toEqual([]);
  });

  it("follow the page's own months: a ward quiet in one year and not in another", () => {
    const data = committedSiteData();
    const quiet = data.wards.findIndex((w) => w.name === 'Little London & Woodhouse');
    // Its crimes of 2024 taken out; those of 2025 kept.
    data.months.forEach((m, i) => {
      if (m.startsWith('2024')) data.counts[quiet]![i] = data.counts[quiet]![i]!.map(() => 0);
    });
    const inYear = (year: number) =>
      centreInflatedWards(data, wardRows(data, yearPeriod(data, year).withData)).map((w) => w.name);
    expect(inYear(2024)).toEqual(['Hunslet & Riverside']);
    expect(inYear(2025)).toEqual(centreWards);
  });

  it("name the wards in the data's order whatever the order of the rows", () => {
    const data = committedSiteData();
    const rows = wardRows(data, latestTwelveMonths(data).withData).reverse();
    expect(centreInflatedWards(data, rows).map((w) => w.name)).toEqual(centreWards);
  });
});
