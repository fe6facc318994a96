/**
 * Zoom and pan of the labeling stage, and the image's brightness and contrast. The frame (the
 * image with its region overlay) is laid out to fit the stage; zooming scales it with a CSS
 * transform, so the overlay scales with the image and a pointer's place on the overlay stays
 * its place on the image: regions keep their coordinates whatever the zoom.
 *
 * Wheel: zoom around the pointer. Middle drag, or drag with Space held: pan. Zoom never goes
 * below the fitted size, and panning keeps the zoomed image over the place it fits in.
 */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 20;

export class Viewport {
  constructor(stage, onChange = () => {}) {
    this.stage = stage;
    this.onChange = onChange;
    this.frame = null;
    this.img = null;
    this.zoom = 1;
    this.tx = 0;
    this.ty = 0;
    this.space = false;
    this.filters = { brightness: 100, contrast: 100 }; // kept from input to input, never saved
    this.listen();
  }

  /** Shows a new frame at the fitted size; {@code img} (or null for text) gets the filters. */
  attach(frame, img) {
    this.frame = frame;
    this.img = img;
    this.fit();
    this.applyFilters();
  }

  get enabled() { return !!this.img; }

  fit() {
    this.zoom = 1;
    this.tx = 0;
    this.ty = 0;
    this.apply();
  }

  /** Multiplies the zoom by {@code factor} keeping the screen point (x, y) still; by default the stage's center. */
  zoomBy(factor, x, y) {
    if (!this.enabled) return;
    const rect = this.frame.getBoundingClientRect();
    const stage = this.stage.getBoundingClientRect();
    const px = x ?? (stage.left + stage.width / 2);
    const py = y ?? (stage.top + stage.height / 2);
    const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, this.zoom * factor));
    // The frame's untransformed origin is the transformed one less the translation (origin 0 0).
    const ox = rect.left - this.tx;
    const oy = rect.top - this.ty;
    const localX = (px - rect.left) / this.zoom;
    const localY = (py - rect.top) / this.zoom;
    this.zoom = zoom;
    this.tx = px - ox - zoom * localX;
    this.ty = py - oy - zoom * localY;
    this.apply();
  }

  panBy(dx, dy) {
    if (!this.enabled) return;
    this.tx += dx;
    this.ty += dy;
    this.apply();
  }

  apply() {
    if (!this.frame) return;
    // The zoomed frame always covers the box it fits in: no empty band can be panned into view.
    const w = this.frame.offsetWidth;
    const h = this.frame.offsetHeight;
    this.tx = Math.min(0, Math.max(w - this.zoom * w, this.tx));
    this.ty = Math.min(0, Math.max(h - this.zoom * h, this.ty));
    this.frame.style.transform = this.zoom === 1 ? '' : `translate(${this.tx}px, ${this.ty}px) scale(${this.zoom})`;
    this.stage.classList.toggle('zoomed', this.zoom > 1);
    this.onChange(this);
  }

  setFilter(name, value) {
    this.filters[name] = value;
    this.applyFilters();
  }

  resetFilters() {
    this.filters = { brightness: 100, contrast: 100 };
    this.applyFilters();
  }

  applyFilters() {
    if (this.img) {
      const { brightness, contrast } = this.filters;
      this.img.style.filter = brightness === 100 && contrast === 100 ? '' : `brightness(${brightness}%) contrast(${contrast}%)`;
    }
    this.onChange(this);
  }

  /** Space held: the next drag pans (the page's key handler calls this). */
  setSpace(down) {
    this.space = down;
    this.stage.classList.toggle('pan-ready', down && this.enabled);
  }

  listen() {
    this.stage.addEventListener('wheel', (e) => {
      if (!this.enabled) return;
      e.preventDefault();
      this.zoomBy(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)), e.clientX, e.clientY);
    }, { passive: false });
    let pan = null;
    // Capture phase: a pan must not also start a box on the overlay underneath.
    this.stage.addEventListener('pointerdown', (e) => {
      if (!this.enabled || !(e.button === 1 || (e.button === 0 && this.space))) return;
      e.preventDefault();
      e.stopPropagation();
      this.stage.setPointerCapture(e.pointerId);
      pan = { x: e.clientX, y: e.clientY };
      this.stage.classList.add('panning');
    }, true);
    this.stage.addEventListener('pointermove', (e) => {
      if (!pan) return;
      this.panBy(e.clientX - pan.x, e.clientY - pan.y);
      pan = { x: e.clientX, y: e.clientY };
    });
    const end = () => {
      pan = null;
      this.stage.classList.remove('panning');
    };
    this.stage.addEventListener('pointerup', end);
    this.stage.addEventListener('pointercancel', end);
    // A native drag (of the image, or of a text selection) would cancel the pointer mid-edit.
    this.stage.addEventListener('dragstart', (e) => e.preventDefault());
    // Chromium's middle-button autoscroll would fight the pan.
    this.stage.addEventListener('mousedown', (e) => { if (e.button === 1) e.preventDefault(); });
  }
}
