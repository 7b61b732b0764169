// A tiny virtual DOM: the view is built as plain data (testable without a browser) and mounted
// with createElement/setAttribute/textContent only, so text from the user's files can never
// become markup, and attributes outside an allow-list (every on* handler, src, href, style)
// are refused.
export interface VNode {
  tag: string;
  attrs: Record<string, string>;
  children: Child[];
}
export type Child = VNode | string;

const TAGS = new Set([
  'div',
  'span',
  'section',
  'header',
  'h1',
  'h2',
  'h3',
  'p',
  'ol',
  'ul',
  'li',
  'button',
  'label',
  'select',
  'option',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'strong',
  'small',
]);
const ATTR =
  /^(class|id|role|title|value|type|for|tabindex|selected|disabled|aria-[a-z]+|data-[a-z-]+)$/;

export function isAllowedAttr(name: string): boolean {
  return ATTR.test(name);
}

export function h(
  tag: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Child | Child[] | undefined | false)[]
): VNode {
  if (!TAGS.has(tag)) throw new Error(`vnode: tag <${tag}> is not allowed`);
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (!isAllowedAttr(k)) throw new Error(`vnode: attribute ${k} is not allowed`);
    a[k] = v === true ? '' : String(v);
  }
  const flat: Child[] = [];
  for (const c of children) {
    if (c === undefined || c === false) continue;
    if (Array.isArray(c)) flat.push(...c);
    else flat.push(c);
  }
  return { tag, attrs: a, children: flat };
}

/** The subset of the DOM that mounting needs (a fake one in tests). */
export interface DomLike<E> {
  createElement(tag: string): E;
  createTextNode(text: string): unknown;
}
export interface ElementLike {
  setAttribute(name: string, value: string): void;
  appendChild(child: never): unknown;
}

export function mount<E extends ElementLike>(doc: DomLike<E>, node: VNode): E {
  const el = doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) {
    // Re-checked here: a VNode may have been built by hand.
    if (!isAllowedAttr(k)) throw new Error(`vnode: attribute ${k} is not allowed`);
    el.setAttribute(k, v);
  }
  for (const c of node.children) {
    const child = typeof c === 'string' ? doc.createTextNode(c) : mount(doc, c);
    el.appendChild(child as never);
  }
  return el;
}

/** All text of a tree, for tests and aria summaries. */
export function textOf(node: Child): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
