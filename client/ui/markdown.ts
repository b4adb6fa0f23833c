/** Escape text for a MarkdownString (tooltips): backslash the characters that would format or break a table. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}
