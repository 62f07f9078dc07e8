/** A one-line progress bar on stderr (redrawn on a TTY, a line per 10 % otherwise). */
export class ProgressBar {
  private lastDecile = -1;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const text = `${this.label} [${'#'.repeat(Math.round(ratio * 30)).padEnd(30)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total}`;
    if (this.out.isTTY) this.out.write(`\r${text}`);
    else if (Math.floor(ratio * 10) !== this.lastDecile) {
      this.lastDecile = Math.floor(ratio * 10);
      this.out.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
