// What Reveal Slot's input box accepts: a device (its path or swap type),
// then a slot offset (decimal or 0x hex), separated by a colon or by spaces
// (`/dev/vda2:1234`, `/dev/vda2 1234`, `0 0x4d2`). No vscode here: Node tests check it.

/** The address as a swap type and offset, or an error to show. */
export function parseSlotAddress(
  text: string,
  devices: { type: number; path: string; maxSlots: number }[],
): { type: number; offset: number } | string {
  const t = text.trim();
  // The last colon, unless what follows it has a space; else the last run of spaces. Paths may hold either.
  const colon = t.lastIndexOf(':');
  const space = /\s+(\S+)$/.exec(t);
  const split =
    colon > 0 && !/\s/.test(t.slice(colon + 1).trim())
      ? { at: colon, rest: colon + 1 }
      : space !== null && space.index > 0
        ? { at: space.index, rest: space.index + space[0].length - space[1]!.length }
        : null;
  if (split === null) return 'write DEVICE:OFFSET or DEVICE OFFSET, e.g. /dev/vda2:1, /dev/vda2 1 or 0:1';
  const deviceText = t.slice(0, split.at).trim();
  const offsetText = t.slice(split.rest).trim();
  const offset = /^0x[0-9a-f]+$/i.test(offsetText)
    ? Number.parseInt(offsetText, 16)
    : /^\d+$/.test(offsetText)
      ? Number(offsetText)
      : Number.NaN;
  if (!Number.isSafeInteger(offset)) return `not an offset: ${offsetText}`;
  const device = /^\d+$/.test(deviceText)
    ? devices.find((d) => d.type === Number(deviceText))
    : devices.find((d) => d.path === deviceText);
  if (device === undefined)
    return `no active swap device ${deviceText} (active: ${devices.map((d) => d.path).join(', ') || 'none'})`;
  if (offset >= device.maxSlots) return `${device.path} has slots 0..${device.maxSlots - 1}`;
  return { type: device.type, offset };
}
