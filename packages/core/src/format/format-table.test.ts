import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.js';

describe('formatTable', () => {
  it('pads columns to their widest cell, rules the header, aligns right where asked and trims line ends', () => {
    const text = formatTable(['module', 'rows', 'note'], [['load', '12', ''], ['transform_people', '3', 'cached']], { align: ['left', 'right'] });
    expect(text.split('\n')).toEqual([
      'module            rows  note',
      '----------------  ----  ------',
      'load                12',
      'transform_people     3  cached',
    ]);
  });

  it('prints a header and rule alone when there are no rows', () => {
    expect(formatTable(['a', 'bb'], [])).toBe('a  bb\n-  --');
  });
});
