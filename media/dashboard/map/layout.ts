/**
 * Geometry of the cluster map, with no DOM: which clusters a cell stands
 * for at each zoom level, where cells are, what is visible.
 *
 * The map is a list of rows, like a hex editor: cell i is at row i / cols,
 * column i % cols, and covers clusters [i·k, (i+1)·k). A zoom level is a
 * pair (k clusters per cell, s pixels per cell side). Zooming out from one
 * cluster per row first shrinks cells (k = 1, s falls), then bins clusters
 * (s = 2, k doubles) until the whole device fits. Because a cell is a
 * contiguous range of clusters, a visible row range is one contiguous
 * cluster range: exactly what `swapsim/clusterMap` bins on the server.
 */

export interface Level {
  /** Clusters per cell (a power of two). */
  readonly k: number;
  /** Cell side in CSS pixels. */
  readonly s: number;
}

/** Smallest cell side: one binned cell is 2×2 CSS pixels. */
export const MIN_CELL = 2;
/** Cells this large or larger show their cluster's slots. */
export const SLOT_CELL = 64;
/** Slot cells must be at least this wide (CSS px) to be picked with the pointer. */
export const MIN_SLOT_PICK = 4;
/** Slots this wide (CSS px) are easy to hit: where opening a cluster (double-click, Enter) zooms to. */
export const CLICKABLE_SLOT = 12;
/** Largest k: 2^24 clusters, far beyond any device (MAX_SWAPFILES × the largest swap area). */
const MAX_K_LOG2 = 24;
const SIDES = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048];

/** Every zoom level for a view `width` pixels wide, most zoomed-out first. */
export function zoomLadder(width: number): Level[] {
  const levels: Level[] = [];
  for (let j = MAX_K_LOG2; j >= 1; j--) levels.push({ k: 2 ** j, s: MIN_CELL });
  for (const s of SIDES) if (s <= Math.max(MIN_CELL, width)) levels.push({ k: 1, s });
  return levels;
}

/** How a cluster's slots are laid out in its cell: a grid close to square, `cols` wide. */
export function slotGrid(clusterSlots: number): { cols: number; rows: number } {
  const cols = 2 ** Math.ceil(Math.log2(Math.max(1, clusterSlots)) / 2);
  return { cols, rows: Math.max(1, Math.ceil(clusterSlots / cols)) };
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class Viewport {
  private ladder: Level[];
  index: number;
  /** Top of the view in content pixels. */
  scrollY = 0;

  constructor(
    public width: number,
    public height: number,
    public clusters: number,
    readonly clusterSlots: number,
  ) {
    this.ladder = zoomLadder(width);
    this.index = this.fitIndex;
  }

  get level(): Level {
    return this.ladder[this.index]!;
  }

  get levels(): readonly Level[] {
    return this.ladder;
  }

  get k(): number {
    return this.level.k;
  }

  get s(): number {
    return this.level.s;
  }

  get cols(): number {
    return Math.max(1, Math.floor(this.width / this.s));
  }

  get cells(): number {
    return Math.ceil(this.clusters / this.k);
  }

  get rows(): number {
    return Math.ceil(this.cells / this.cols);
  }

  get contentHeight(): number {
    return this.rows * this.s;
  }

  /** Left edge of the cell grid: centred in the view. */
  get x0(): number {
    return Math.floor((this.width - this.cols * this.s) / 2);
  }

  /** The most zoomed-in level at which the whole device fits. */
  get fitIndex(): number {
    let best = 0;
    for (let i = 0; i < this.ladder.length; i++) {
      const { k, s } = this.ladder[i]!;
      const cols = Math.max(1, Math.floor(this.width / s));
      const rows = Math.ceil(Math.ceil(this.clusters / k) / cols);
      if (rows * s <= this.height) best = i;
    }
    return best;
  }

  get minIndex(): number {
    return this.fitIndex;
  }

  get maxIndex(): number {
    return this.ladder.length - 1;
  }

  /** True when cells show their slots. */
  get showsSlots(): boolean {
    return this.k === 1 && this.s >= SLOT_CELL;
  }

  /** Rows at least partly visible: [first, end). */
  visibleRows(): [number, number] {
    const first = Math.max(0, Math.floor(this.scrollY / this.s));
    const end = Math.min(this.rows, Math.ceil((this.scrollY + this.height) / this.s));
    return [first, Math.max(first, end)];
  }

  /** Cells at least partly visible: [first, end). */
  visibleCells(): [number, number] {
    const [r0, r1] = this.visibleRows();
    return [r0 * this.cols, Math.min(this.cells, r1 * this.cols)];
  }

  /** Clusters at least partly visible: [first, end). */
  visibleClusters(): [number, number] {
    const [c0, c1] = this.visibleCells();
    return [c0 * this.k, Math.min(this.clusters, c1 * this.k)];
  }

  cellRect(cell: number): Rect {
    const row = Math.floor(cell / this.cols);
    const col = cell % this.cols;
    return { x: this.x0 + col * this.s, y: row * this.s - this.scrollY, w: this.s, h: this.s };
  }

  /** The cell under a view point, or -1. */
  cellAt(x: number, y: number): number {
    const col = Math.floor((x - this.x0) / this.s);
    const row = Math.floor((y + this.scrollY) / this.s);
    if (col < 0 || col >= this.cols || row < 0) return -1;
    const cell = row * this.cols + col;
    return cell < this.cells ? cell : -1;
  }

  cellOfCluster(cluster: number): number {
    return Math.floor(cluster / this.k);
  }

  /** The slot under a view point inside `cell` (k = 1 only), or -1. */
  slotAt(x: number, y: number, cell: number): number {
    if (this.k !== 1) return -1;
    const r = this.cellRect(cell);
    const grid = slotGrid(this.clusterSlots);
    const col = Math.floor(((x - r.x) / r.w) * grid.cols);
    const row = Math.floor(((y - r.y) / r.h) * grid.rows);
    if (col < 0 || col >= grid.cols || row < 0 || row >= grid.rows) return -1;
    const slot = row * grid.cols + col;
    return slot < this.clusterSlots ? slot : -1;
  }

  /** Rectangle of slot `slot` (index within its cluster) inside `cell`. */
  slotRect(cell: number, slot: number): Rect {
    const r = this.cellRect(cell);
    const grid = slotGrid(this.clusterSlots);
    const w = r.w / grid.cols;
    const h = r.h / grid.rows;
    return { x: r.x + (slot % grid.cols) * w, y: r.y + Math.floor(slot / grid.cols) * h, w, h };
  }

  /** Width of one slot in CSS px at this level (0 when slots are not shown). */
  get slotWidth(): number {
    return this.showsSlots ? this.s / slotGrid(this.clusterSlots).cols : 0;
  }

  clampScroll(): void {
    const max = Math.max(0, this.contentHeight - this.height);
    this.scrollY = Math.min(max, Math.max(0, this.scrollY));
  }

  scrollBy(dy: number): void {
    this.scrollY += dy;
    this.clampScroll();
  }

  /** Change level keeping the cluster under (x, y) under the pointer (vertically; columns reflow). */
  zoomTo(index: number, x = this.width / 2, y = this.height / 2): boolean {
    const target = Math.min(this.maxIndex, Math.max(this.minIndex, index));
    if (target === this.index) return false;
    const cell = this.cellAt(x, y);
    const anchor = cell >= 0 ? cell * this.k + Math.floor(this.k / 2) : this.firstVisibleCluster();
    const fraction = cell >= 0 ? (y + this.scrollY - Math.floor((y + this.scrollY) / this.s) * this.s) / this.s : 0;
    this.index = target;
    const row = Math.floor(this.cellOfCluster(anchor) / this.cols);
    this.scrollY = row * this.s + fraction * this.s - y;
    this.clampScroll();
    return true;
  }

  /** Make `cluster`'s cell fully visible, scrolling as little as possible. */
  reveal(cluster: number): void {
    const r = this.cellRect(this.cellOfCluster(cluster));
    if (r.y < 0) this.scrollY += r.y;
    else if (r.y + r.h > this.height) this.scrollY += r.y + r.h - this.height;
    this.clampScroll();
  }

  /** Put `cluster`'s row in the middle of the view. */
  center(cluster: number): void {
    const r = this.cellRect(this.cellOfCluster(cluster));
    this.scrollY += r.y + r.h / 2 - this.height / 2;
    this.clampScroll();
  }

  firstVisibleCluster(): number {
    return this.visibleClusters()[0];
  }

  /** New size or device: keep the level if it still applies (and fits), the first visible cluster in view. */
  resize(width: number, height: number, clusters: number): void {
    const keep = this.level;
    const top = this.firstVisibleCluster();
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.clusters = Math.max(1, clusters);
    this.ladder = zoomLadder(this.width);
    const same = this.ladder.findIndex((l) => l.k === keep.k && l.s === keep.s);
    this.index = Math.min(this.maxIndex, Math.max(this.minIndex, same < 0 ? this.fitIndex : same));
    this.scrollY = Math.floor(this.cellOfCluster(top) / this.cols) * this.s;
    this.clampScroll();
  }

  /** Level index of (k, s), or -1. */
  indexOf(level: Level): number {
    return this.ladder.findIndex((l) => l.k === level.k && l.s === level.s);
  }

  /** Most zoomed-out level at which one cluster's slots are CLICKABLE_SLOT wide (or the most zoomed-in the view allows). */
  get clickableSlotIndex(): number {
    const cols = slotGrid(this.clusterSlots).cols;
    const i = this.ladder.findIndex((l) => l.k === 1 && l.s >= SLOT_CELL && l.s / cols >= CLICKABLE_SLOT);
    return i < 0 ? this.maxIndex : i;
  }

  /** Most zoomed-out level at which a cell shows its cluster's slots. */
  get slotIndex(): number {
    const i = this.ladder.findIndex((l) => l.k === 1 && l.s >= Math.min(SLOT_CELL * 4, this.width));
    return i < 0 ? this.maxIndex : i;
  }
}
