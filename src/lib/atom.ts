// Atom feeds (RFC 4287) as text. Pure: every value is escaped here, so data from outside
// (ward names, outcome texts) cannot break the XML.

export interface AtomEntry {
  /** A permanent, unique IRI. */
  id: string;
  title: string;
  /** ISO 8601 date-time. */
  updated: string;
  /** The page the entry is about. */
  link: string;
  /** Plain text. */
  summary: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  updated: string;
  /** The feed's own URL. */
  self: string;
  /** The page the feed follows. */
  alternate: string;
  author: string;
  rights: string;
  /** The licence's address, linked as RFC 4946 says (rel="license"). */
  licence: string;
  entries: readonly AtomEntry[];
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Characters XML 1.0 cannot hold at all, not even as a character reference: C0 controls but
 * tab, line feed and carriage return, U+FFFE and U+FFFF, and a surrogate without its pair. One
 * in a ward name would make the whole feed, or the share card's SVG, unreadable to a parser.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- the control characters are what it finds
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` as XML character data or an attribute value; what XML cannot hold becomes U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

const element = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;

export function atomFeed(feed: AtomFeed): string {
  const entries = feed.entries.map((e) =>
    [
      '  <entry>',
      `    ${element('id', e.id)}`,
      `    ${element('title', e.title)}`,
      `    ${element('updated', e.updated)}`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/>`,
      `    <summary type="text">${escapeXml(e.summary)}</summary>`,
      '  </entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">',
    `  ${element('id', feed.id)}`,
    `  ${element('title', feed.title)}`,
    `  ${element('subtitle', feed.subtitle)}`,
    `  ${element('updated', feed.updated)}`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(feed.alternate)}"/>`,
    `  <link rel="license" type="text/html" href="${escapeXml(feed.licence)}"/>`,
    `  <author>${element('name', feed.author)}</author>`,
    `  ${element('rights', feed.rights)}`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export function atomResponse(xml: string): Response {
  return new Response(xml, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
