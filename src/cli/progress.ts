/**
 * Progress while `plan` runs the program (prod takes tens of seconds): resources registered, packs ready, analyses
 * done. On a terminal, one live line on stderr, redrawn in place and cleared before any other line is printed; in CI
 * logs (not a TTY), no redrawing at all: a plain line each time another `plainEvery` resources have registered, so a
 * log shows a few lines, never a spinner's worth.
 */

/** Where progress goes: the live line needs a TTY and raw writes; plain lines go through the plan's logger. */
export interface ProgressOutput {
  readonly isTTY: boolean;
  /** Raw text (no newline added); only used on a TTY. */
  write(text: string): void;
  /** One whole line (the plan's logger). */
  line(text: string): void;
}

const CLEAR_LINE = "\r\x1b[K";

export class PlanProgress {
  private resources = 0;
  private packsReady = 0;
  private analyses = 0;
  private shown = false;
  private lastDraw = 0;
  private stopped = false;

  /**
   * @param packs how many packs will report ready (0: no pack part in the line)
   * @param plainEvery not a TTY: one line per this many registered resources
   * @param now clock for throttling redraws (at most one per `redrawMillis`)
   */
  constructor(
    private readonly out: ProgressOutput,
    private readonly packs: number,
    private readonly plainEvery = 250,
    private readonly redrawMillis = 80,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * On a TTY, makes every other write to `stream` (the program's own warnings, the SDK's log lines) clear the live
   * line first and redraw it after, so nothing is printed into the middle of it. Returns the undo.
   */
  guard(stream: { write: (...args: any[]) => boolean }): () => void {
    if (!this.out.isTTY) return () => undefined;
    const original = stream.write;
    let own = false;
    const rawWrite = this.out.write;
    (this.out as { write: (text: string) => void }).write = (text: string) => {
      own = true;
      try {
        rawWrite(text);
      } finally {
        own = false;
      }
    };
    stream.write = (...args: any[]): boolean => {
      if (own) return original.apply(stream, args);
      this.clear();
      const result = original.apply(stream, args);
      this.draw(true);
      return result;
    };
    return () => {
      stream.write = original;
      (this.out as { write: (text: string) => void }).write = rawWrite;
    };
  }

  /** The plan's logger, wrapped so a line never lands in the middle of the live line. */
  log(text: string): void {
    this.clear();
    this.out.line(text);
    this.draw(true);
  }

  registered(): void {
    this.resources++;
    if (!this.out.isTTY) {
      if (this.resources % this.plainEvery === 0) this.out.line(`  … ${this.summary()}`);
      return;
    }
    this.draw(false);
  }

  /** A pack answered GetAnalyzerInfo; `message` is the pack's ready line, printed as a line of its own. */
  packReady(message: string): void {
    this.packsReady++;
    this.log(message);
  }

  analysed(): void {
    this.analyses++;
    if (this.out.isTTY) this.draw(false);
  }

  /** Clears the live line for good (the plan's summary follows). */
  stop(): void {
    this.clear();
    this.stopped = true;
  }

  /** `1,234 resources registered, 3/5 packs ready, 5,678 analyses done`. */
  summary(): string {
    const packs = this.packs > 0 ? `, ${this.packsReady}/${this.packs} pack${this.packs === 1 ? "" : "s"} ready, ${this.analyses.toLocaleString("en")} analyses done` : "";
    return `${this.resources.toLocaleString("en")} resource${this.resources === 1 ? "" : "s"} registered${packs}`;
  }

  private draw(force: boolean): void {
    if (!this.out.isTTY || this.stopped || (this.resources === 0 && this.packsReady === 0)) return;
    const t = this.now();
    if (!force && this.shown && t - this.lastDraw < this.redrawMillis) return;
    this.lastDraw = t;
    this.out.write(`${CLEAR_LINE}  ⋯ ${this.summary()}`);
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.out.write(CLEAR_LINE);
    this.shown = false;
  }
}
