/** JSON lines (mongoexport's default): one document per line; blank lines are skipped. */
import type { RawRecord, Splitter } from './read-records.js';

export class LineSplitter implements Splitter {
  private rest = '';
  private restLine = 1;
  private documents = 0;

  push(chunk: string): RawRecord[] {
    const records: RawRecord[] = [];
    const text = this.rest + chunk;
    let start = 0;
    let line = this.restLine;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      if (piece.trim() !== '') records.push({ line, document: ++this.documents, text: piece });
      line++;
      start = nl + 1;
    }
    this.rest = text.slice(start);
    this.restLine = line;
    return records;
  }

  end(): RawRecord[] {
    if (this.rest.trim() === '') return [];
    return [{ line: this.restLine, document: ++this.documents, text: this.rest }];
  }
}
