// useSame: a part of the map's view (the figures, an element) is the same object from one
// render to the next while its fields are the same, so what is built from it is skipped.
// The hook is called as a component would call it, render after render, with useRef's one
// box kept between the calls as Preact keeps it.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const box = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('preact/hooks', () => ({ useRef: () => box }));

const { useSame } = await import('../../../src/islands/use-same.ts');

beforeEach(() => {
  box.current = null;
});

describe('useSame(value)', () => {
  it("returns the first render's object while every field is the same", () => {
    const totals = new Float64Array([1, 2]);
    const first = useSame({ totals, noun: 'crimes', rate: NaN, scale: null });
    const again = useSame({ totals, noun: 'crimes', rate: NaN, scale: null });
    expect(again).toBe(first);
  });

  it('returns the new object when a field changed, and keeps it for the renders after', () => {
    const first = useSame({ totals: new Float64Array([1, 2]), noun: 'crimes' });
    // Equal contents in another array: a new value, as a new filter's totals are.
    const second = useSame({ totals: new Float64Array([1, 2]), noun: 'crimes' });
    expect(second).not.toBe(first);
    expect(useSame({ totals: second.totals, noun: 'crimes' })).toBe(second);
    expect(useSame({ totals: second.totals, noun: 'incidents' }).noun).toBe('incidents');
  });

  it("tells 0 from -0 and a field left out from one added, as useMemo's dependencies would", () => {
    const first = useSame<{ a: number; b?: number }>({ a: 0 });
    expect(useSame<{ a: number; b?: number }>({ a: -0 })).not.toBe(first);
    const withB = useSame<{ a: number; b?: number }>({ a: -0, b: undefined });
    expect(withB.b).toBe(undefined);
    expect(Object.keys(withB)).toEqual(['a', 'b']);
    expect(useSame<{ a: number; b?: number }>({ a: -0 })).not.toBe(withB);
  });
});
