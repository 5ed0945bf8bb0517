// Parts of the map's view kept the same object from one render to the next while what they
// are made of is the same: Preact skips an unchanged element whole when it compares the view
// with the page, and a hook's dependents skip their work. useMemo does this too, but with its
// inputs written twice, once to build the value and once as its dependencies, two lists that
// must agree; here the value's own fields are what is compared.
import { h, type ComponentType, type JSX } from 'preact';
import { useMemo, useRef } from 'preact/hooks';

/**
 * `value`, or the object returned last render when every field is the same (Object.is), as
 * useMemo with those fields as its dependencies would give.
 */
export function useSame<T extends object>(value: T): T {
  const last = useRef<T | null>(null);
  const previous = last.current;
  if (previous !== null && sameFields(previous, value)) return previous;
  last.current = value;
  return value;
}

/** <Component {...props} />, the same element while every prop is the same (useSame). */
export function useElement<P extends object>(Component: ComponentType<P>, props: P): JSX.Element {
  const same = useSame(props);
  return useMemo(() => h(Component, same), [Component, same]);
}

/** Whether `a` and `b` have the same fields with the same values (Object.is). */
function sameFields(a: object, b: object): boolean {
  // Loops rather than Object.keys: nothing for the collector on a change of filter.
  let count = 0;
  for (const key in b) {
    if (!Object.is(a[key as keyof object], b[key as keyof object])) return false;
    count++;
  }
  for (const _key in a) count--;
  return count === 0;
}
