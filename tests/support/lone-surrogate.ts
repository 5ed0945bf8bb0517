/** A UTF-16 surrogate without its pair: what half an astral character (an emoji) leaves. */
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
