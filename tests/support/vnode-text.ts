// The text of a Preact element tree, for islands' components that use no hooks: calling one
// gives its tree, whose text a test reads without rendering it.
import type { ComponentChildren, VNode } from 'preact';

/** The text of the element with `id` in `node`'s tree, or null when there is none. */
export function textOf(node: ComponentChildren, id: string): string | null {
  if (node === null || typeof node !== 'object') return null;
  if (Array.isArray(node)) {
    for (const child of node as ComponentChildren[]) {
      const found = textOf(child, id);
      if (found !== null) return found;
    }
    return null;
  }
  const { props } = node as VNode<{ id?: string; children?: ComponentChildren }>;
  if (props.id === id) return allText(props.children);
  return textOf(props.children, id);
}

/** All the text in `node`'s tree, run together as the element's textContent would be. */
export function allText(node: ComponentChildren): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return (node as ComponentChildren[]).map(allText).join('');
  return allText((node as VNode<{ children?: ComponentChildren }>).props.children);
}

/** The text of each list item in `node`'s tree, in order. */
export function listItems(node: ComponentChildren): string[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return (node as ComponentChildren[]).flatMap(listItems);
  const { type, props } = node as VNode<{ children?: ComponentChildren }>;
  return type === 'li' ? [allText(props.children)] : listItems(props.children);
}
