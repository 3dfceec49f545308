// Program output for the command line: printed text is gathered and written in large chunks,
// since one write per print would dominate programs that print a lot.

export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  write = (text: string): void => {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 16) this.flush();
  };

  flush(): void {
    if (this.parts.length === 0) return;
    this.stream.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}
