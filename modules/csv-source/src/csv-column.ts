import { makeBuilder, type Builder, type Vector } from 'apache-arrow';
import { arrowTypeOf, NOT_A_VALUE, parseAs, type ColumnKind } from './column-kinds.js';
import { valueMismatch, type SampleInfo } from './csv-errors.js';

/** One output column: parses each field as its inferred kind into an Arrow builder. */
export class CsvColumn {
  private readonly builder: Builder;

  constructor(
    readonly name: string,
    /** 0-based position in the record. */
    readonly index: number,
    readonly kind: ColumnKind,
    private readonly sample: SampleInfo,
  ) {
    this.builder = makeBuilder({ type: arrowTypeOf(kind), nullValues: [null] });
  }

  /** Appends one field; an empty field is null. `line` is only for the error message. */
  append(text: string, line: number): void {
    if (text === '') {
      this.builder.append(null);
      return;
    }
    const value = parseAs(this.kind, text);
    if (value === NOT_A_VALUE) throw valueMismatch(this.sample, line, this.name, this.index, this.kind, text);
    this.builder.append(value);
  }

  finish(): Vector {
    return this.builder.finish().toVector();
  }
}
