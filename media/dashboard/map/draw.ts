/**
 * Drawing the cluster map on a canvas. Cells are painted as one pixel each
 * into an ImageData and scaled up with smoothing off, so a screen of 65,536
 * binned cells costs one putImageData and one drawImage; overlays (gaps,
 * order marks, slots, selection) are drawn only when cells are big enough to
 * show them.
 */
import type { Palette, Rgba } from '../theme';
import { mix } from '../theme';
import { BACKING_ORDER, LIST_ORDER, PAGE_CELLS, type DeviceMapData, type MapPage } from './data';
import { slotGrid, type Rect, type Viewport } from './layout';

export interface MapSelection {
  type: number;
  cluster: number;
  offset?: number;
}

export interface HoverTarget {
  cell: number;
  /** Slot index within the cluster, or -1. */
  slot: number;
}

export interface DrawResult {
  /** Every visible cell had data (possibly stale). */
  complete: boolean;
  /** Clusters on screen whose slots are drawn or wanted (slot zoom only). */
  slotClusters: number[];
}

const FILL_STEPS = 32;
/** Cells at least this big are drawn with a gap between them. */
const GAP_CELL = 6;
const ORDER_MARK_CELL = 8;
const ORDER_TEXT_CELL = 28;

/** Pack RGBA for a little-endian Uint32 view of ImageData. */
function pack(c: Rgba): number {
  return ((255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]) >>> 0;
}

export class MapRenderer {
  private readonly cellCanvas = document.createElement('canvas');
  private readonly slotCanvas = document.createElement('canvas');
  /** Colour per (list, fill step). */
  private cellLut = new Uint32Array(0);
  private backingLut = new Uint32Array(0);
  private unknown = 0;
  private palette: Palette | null = null;
  private image: ImageData | null = null;

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.cellLut = new Uint32Array(LIST_ORDER.length * (FILL_STEPS + 1));
    LIST_ORDER.forEach((name, li) => {
      for (let f = 0; f <= FILL_STEPS; f++) {
        const colour =
          name === 'free'
            ? palette.list.free
            : mix(palette.background, palette.list[name], 0.35 + (0.65 * f) / FILL_STEPS);
        this.cellLut[li * (FILL_STEPS + 1) + f] = pack(colour);
      }
    });
    this.backingLut = new Uint32Array(BACKING_ORDER.map((name) => pack(palette.backing[name])));
    this.unknown = pack(mix(palette.background, palette.muted, 0.06));
  }

  draw(
    ctx: CanvasRenderingContext2D,
    vp: Viewport,
    data: DeviceMapData,
    dpr: number,
    selection: MapSelection | null,
    hover: HoverTarget | null,
  ): DrawResult {
    const palette = this.palette;
    if (palette === null) throw new Error('MapRenderer.draw before setPalette');
    const canvas = ctx.canvas;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = palette.css.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);

    const [r0, r1] = vp.visibleRows();
    const cols = vp.cols;
    const rows = r1 - r0;
    const result: DrawResult = { complete: true, slotClusters: [] };
    if (rows <= 0) return result;

    // 1. One pixel per cell.
    if (this.image === null || this.image.width !== cols || this.image.height !== rows) {
      this.image = new ImageData(cols, rows);
      this.cellCanvas.width = cols;
      this.cellCanvas.height = rows;
    }
    const pixels = new Uint32Array(this.image.data.buffer);
    const cells = vp.cells;
    const k = vp.k;
    const stride = FILL_STEPS + 1;
    let page: MapPage | undefined;
    let pageEnd = -1;
    let pageStart = 0;
    const first = r0 * cols;
    for (let i = 0; i < rows * cols; i++) {
      const cell = first + i;
      if (cell >= cells) {
        pixels[i] = 0;
        continue;
      }
      if (cell >= pageEnd || cell < pageStart) {
        page = data.page(k, cell);
        pageStart = Math.floor(cell / PAGE_CELLS) * PAGE_CELLS;
        pageEnd = pageStart + PAGE_CELLS;
      }
      if (page === undefined) {
        pixels[i] = this.unknown;
        result.complete = false;
        continue;
      }
      const j = cell - page.first;
      // Any used slot shows: a fill above zero never rounds down to the empty shade.
      const f = page.fill[j]!;
      pixels[i] = this.cellLut[page.list[j]! * stride + (f > 0 ? Math.max(1, Math.round(f * FILL_STEPS)) : 0)]!;
    }
    const cctx = this.cellCanvas.getContext('2d');
    if (cctx === null) return result;
    cctx.putImageData(this.image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const s = vp.s;
    const top = r0 * s - vp.scrollY;
    ctx.drawImage(this.cellCanvas, 0, 0, cols, rows, vp.x0, top, cols * s, rows * s);

    // 2. Slots of each visible cluster, at slot zoom.
    if (vp.showsSlots) this.drawSlots(ctx, vp, data, first, Math.min(cells, first + rows * cols), result);

    // 3. Gaps between cells, so single clusters read as cells.
    if (s >= GAP_CELL) this.drawGaps(ctx, vp, r0, r1, palette);

    // 4. Order marks: a corner triangle, with the number once there is room.
    if (k === 1 && s >= ORDER_MARK_CELL)
      this.drawOrders(ctx, vp, data, first, Math.min(cells, first + rows * cols), palette);

    // 5. shmem marks: a dot in the bottom-left corner of a cell holding shmem slots, or on each shmem slot.
    if (s >= ORDER_MARK_CELL) this.drawShmem(ctx, vp, data, k, first, Math.min(cells, first + rows * cols), palette);

    // 6. Selection and hover on top.
    if (hover !== null && hover.cell >= 0)
      this.outline(
        ctx,
        hover.slot >= 0 ? vp.slotRect(hover.cell, hover.slot) : vp.cellRect(hover.cell),
        palette.css.foreground,
        1,
        [3, 2],
      );
    if (selection !== null && selection.type === data.type) {
      const cell = vp.cellOfCluster(selection.cluster);
      this.outline(ctx, vp.cellRect(cell), palette.css.focus, 2, []);
      if (selection.offset !== undefined && vp.showsSlots) {
        const slot = selection.offset - selection.cluster * vp.clusterSlots;
        this.outline(ctx, vp.slotRect(cell, slot), palette.css.foreground, 2, []);
        this.outline(ctx, inset(vp.slotRect(cell, slot), -2), palette.css.focus, 1, []);
      }
    }
    return result;
  }

  private drawSlots(
    ctx: CanvasRenderingContext2D,
    vp: Viewport,
    data: DeviceMapData,
    c0: number,
    c1: number,
    result: DrawResult,
  ): void {
    const grid = slotGrid(vp.clusterSlots);
    if (this.slotCanvas.width !== grid.cols || this.slotCanvas.height !== grid.rows) {
      this.slotCanvas.width = grid.cols;
      this.slotCanvas.height = grid.rows;
    }
    const sctx = this.slotCanvas.getContext('2d');
    if (sctx === null) return;
    const image = sctx.createImageData(grid.cols, grid.rows);
    const pixels = new Uint32Array(image.data.buffer);
    const gap = vp.s >= GAP_CELL ? 1 : 0;
    for (let cell = c0; cell < c1; cell++) {
      const cluster = cell;
      const page = data.page(1, cell);
      const j = page === undefined ? -1 : cell - page.first;
      // Free, empty clusters need no fetch: every slot is free.
      const empty = page !== undefined && page.list[j]! === 0 && page.fill[j]! === 0;
      if (!empty) result.slotClusters.push(cluster);
      const entry = data.detail(cluster);
      if (entry === undefined) continue;
      for (let i = 0; i < pixels.length; i++)
        pixels[i] = i < entry.backing.length ? this.backingLut[entry.backing[i]!]! : 0;
      sctx.putImageData(image, 0, 0);
      const r = vp.cellRect(cell);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.slotCanvas, r.x + gap, r.y + gap, r.w - 2 * gap, r.h - 2 * gap);
    }
    // Slot separators once slots are wide enough to be told apart.
    const slotW = vp.slotWidth;
    if (slotW >= 5 && this.palette !== null) {
      ctx.strokeStyle = this.palette.css.background;
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let cell = c0; cell < c1; cell++) {
        const r = vp.cellRect(cell);
        for (let c = 1; c < grid.cols; c++) {
          const x = Math.round(r.x + (c * r.w) / grid.cols) + 0.5;
          ctx.moveTo(x, r.y);
          ctx.lineTo(x, r.y + r.h);
        }
        for (let row = 1; row < grid.rows; row++) {
          const y = Math.round(r.y + (row * r.h) / grid.rows) + 0.5;
          ctx.moveTo(r.x, y);
          ctx.lineTo(r.x + r.w, y);
        }
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
  }

  private drawGaps(ctx: CanvasRenderingContext2D, vp: Viewport, r0: number, r1: number, palette: Palette): void {
    const s = vp.s;
    const highContrast = palette.contrastBorder[3] > 0;
    ctx.strokeStyle = highContrast
      ? `rgba(${palette.contrastBorder[0]}, ${palette.contrastBorder[1]}, ${palette.contrastBorder[2]}, ${palette.contrastBorder[3] / 255})`
      : palette.css.background;
    ctx.lineWidth = s >= 48 ? 2 : 1;
    ctx.beginPath();
    const x0 = vp.x0;
    const width = vp.cols * s;
    for (let r = r0; r <= r1; r++) {
      const y = r * s - vp.scrollY;
      ctx.moveTo(x0, y);
      ctx.lineTo(x0 + width, y);
    }
    const top = r0 * s - vp.scrollY;
    for (let c = 0; c <= vp.cols; c++) {
      const x = x0 + c * s;
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + (r1 - r0) * s);
    }
    ctx.stroke();
  }

  private drawOrders(
    ctx: CanvasRenderingContext2D,
    vp: Viewport,
    data: DeviceMapData,
    c0: number,
    c1: number,
    palette: Palette,
  ): void {
    const s = vp.s;
    const mark = Math.max(3, Math.min(14, Math.round(s * 0.35)));
    ctx.fillStyle = palette.css.foreground;
    ctx.font = `${Math.min(12, Math.max(9, Math.round(s * 0.3)))}px var(--vscode-editor-font-family, monospace)`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'right';
    for (let cell = c0; cell < c1; cell++) {
      const page = data.page(1, cell);
      if (page === undefined) continue;
      const order = page.order[cell - page.first]!;
      if (order <= 0) continue;
      const r = vp.cellRect(cell);
      const right = r.x + r.w - 1;
      if (s >= ORDER_TEXT_CELL) {
        const label = `o${order}`;
        const w = ctx.measureText(label).width + 6;
        ctx.fillStyle = palette.css.foreground;
        ctx.fillRect(right - w, r.y + 1, w, 14);
        ctx.fillStyle = palette.css.background;
        ctx.fillText(label, right - 3, r.y + 2);
        ctx.fillStyle = palette.css.foreground;
      } else {
        ctx.beginPath();
        ctx.moveTo(right - mark, r.y + 1);
        ctx.lineTo(right, r.y + 1);
        ctx.lineTo(right, r.y + 1 + mark);
        ctx.closePath();
        ctx.fill();
      }
    }
  }

  private drawShmem(
    ctx: CanvasRenderingContext2D,
    vp: Viewport,
    data: DeviceMapData,
    k: number,
    c0: number,
    c1: number,
    palette: Palette,
  ): void {
    const dot = (x: number, y: number, radius: number): void => {
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    };
    ctx.fillStyle = palette.css.foreground;
    ctx.strokeStyle = palette.css.background;
    ctx.lineWidth = 1;
    const radius = Math.max(1.5, Math.min(4, vp.s * 0.12));
    for (let cell = c0; cell < c1; cell++) {
      if (vp.showsSlots) {
        const slots = data.detail(cell)?.detail.shmem;
        if (slots === undefined) continue;
        for (const slot of slots) {
          const r = vp.slotRect(cell, slot);
          dot(r.x + r.w / 2, r.y + r.h / 2, Math.max(1, Math.min(radius, Math.min(r.w, r.h) / 3)));
        }
        continue;
      }
      const page = data.page(k, cell);
      if (page === undefined || !(page.shmem[cell - page.first]! > 0)) continue;
      const r = vp.cellRect(cell);
      dot(r.x + radius + 2, r.y + r.h - radius - 2, radius);
    }
  }

  private outline(ctx: CanvasRenderingContext2D, r: Rect, colour: string, width: number, dash: number[]): void {
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    const half = width / 2;
    ctx.strokeRect(r.x + half, r.y + half, Math.max(1, r.w - width), Math.max(1, r.h - width));
    ctx.restore();
  }
}

function inset(r: Rect, by: number): Rect {
  return { x: r.x + by, y: r.y + by, w: r.w - 2 * by, h: r.h - 2 * by };
}
